-- Personal data sealed at rest (issue 39, server/src/vault.rs): members' phone, nickname
-- and birthday, and a login link's phone, hold `v1.<key id>.<sealed>` values from now on.
-- Rows written before are sealed by the start-up step (db/sealing.rs) in batches; this
-- migration only makes room for it.

-- Phones are found through their blind index (HMAC-SHA256 under the key file's index key);
-- the sealed phone itself is random-looking and never compared. Filled for old rows by the
-- start-up step, before the server answers.
ALTER TABLE members ADD COLUMN phone_index TEXT;
CREATE UNIQUE INDEX members_phone_index ON members (phone_index);

-- The keys this database's values were sealed or indexed with: one row per key id (and
-- `index`), each with a value only that key opens (or, for `index`, makes), so a server
-- given the wrong key file refuses to start instead of failing on every read. A data
-- key's row goes when `keys rotate` has moved every value off it.
CREATE TABLE vault_keys (
    key_id        TEXT PRIMARY KEY,
    check_value   TEXT NOT NULL,
    added_at_ms   BIGINT NOT NULL
);

-- Pending login codes are keyed by the phone's blind index, not the phone. They live five
-- minutes: the pending ones go (a shopper asks again).
DROP TABLE otp_codes;
CREATE TABLE otp_codes (
    phone_index   TEXT PRIMARY KEY,
    salt          TEXT NOT NULL,
    code_sha256   TEXT NOT NULL,
    sent_at_ms    BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    attempts      BIGINT NOT NULL DEFAULT 0
);

-- The per-phone code counts were keyed by the phone: counted afresh, by the index.
DELETE FROM rate_counts WHERE key LIKE 'code-phone:%';
