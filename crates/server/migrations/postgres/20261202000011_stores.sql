-- Stores (issue 14): a staff account belongs to one; a shopper who registers through a
-- store's join QR (/join?store=CODE) is attributed to it once, never changed after.
CREATE TABLE stores (
    code          TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);
-- The store a staff account works at (null for members and admins without one).
ALTER TABLE members ADD COLUMN store_code TEXT REFERENCES stores (code);
-- Where and how the member joined: set at registration only.
ALTER TABLE members ADD COLUMN joined_store TEXT REFERENCES stores (code);
ALTER TABLE members ADD COLUMN joined_via TEXT;
ALTER TABLE members ADD COLUMN joined_at_ms BIGINT;
CREATE INDEX members_joined_store ON members (joined_store, joined_at_ms);
