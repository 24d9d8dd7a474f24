-- Rewards given once per phone, whatever happens to the account (issue 9): deleting an
-- account and registering again with the same phone must not collect them again. A claim
-- is keyed by a keyed hash of the phone (HMAC-SHA256 under `server_secrets.phone_key`),
-- never the phone itself, so a deleted member's phone is not kept.
CREATE TABLE phone_claims (
    phone_key TEXT NOT NULL,
    -- `registration` (the welcome and first-order coupons), `invited` (an invite accepted).
    claim TEXT NOT NULL,
    at_ms BIGINT NOT NULL,
    PRIMARY KEY (phone_key, claim)
);

-- Random keys the server makes once and keeps (created on first use).
CREATE TABLE server_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
