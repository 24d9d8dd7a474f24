-- Login handoff from a host app (issue 15): the shop's backend mints a one-time code for
-- a phone with its API key; the app exchanges it for a session. Only the code's SHA-256
-- is kept; a code works once, within its minute, while the key that minted it is live.
CREATE TABLE login_links (
    code_sha256     TEXT PRIMARY KEY,
    api_key_id      TEXT NOT NULL REFERENCES api_keys (id),
    phone           TEXT NOT NULL,
    -- The privacy notice's version the member accepted in the host, if they did.
    consent_version TEXT,
    -- Where in the app to go after the exchange (a path of the app).
    return_to       TEXT,
    created_at_ms   BIGINT NOT NULL,
    expires_at_ms   BIGINT NOT NULL,
    used_at_ms      BIGINT
);
CREATE INDEX login_links_expiry ON login_links (expires_at_ms);
