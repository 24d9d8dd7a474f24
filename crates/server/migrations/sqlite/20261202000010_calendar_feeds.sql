-- A member's private calendar feed (issue 13): a phone's calendar app subscribes to
-- /api/calendar/{token}.ics without the session cookie. One feed per member; making a new
-- link replaces the old one, revoking deletes it. Only the token's SHA-256 is kept.
CREATE TABLE calendar_feeds (
    member_id     TEXT PRIMARY KEY REFERENCES members (id),
    token_sha256    TEXT NOT NULL UNIQUE,
    created_at_ms BIGINT NOT NULL
);
