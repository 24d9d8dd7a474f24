-- The members' last two text times go, so every instant is Unix milliseconds: `created_at`
-- (RFC 3339 text from the first schema) duplicates `created_at_ms`, and `updated_at`
-- becomes `updated_at_ms`, converted from its text whatever its offset as the coupons'
-- times were (20261207000014: the fraction cut to milliseconds, then julianday()).
-- Neither column is named by an index, a CHECK or a trigger, so both can be dropped.

ALTER TABLE members ADD COLUMN updated_at_ms BIGINT NOT NULL DEFAULT 0;

UPDATE members SET updated_at_ms = CAST(ROUND((julianday(
        substr(updated_at, 1, 19)
        || substr(updated_at, 20,
             min(4, length(updated_at) - 19 - CASE WHEN updated_at LIKE '%Z' THEN 1 ELSE 6 END))
        || substr(updated_at, CASE WHEN updated_at LIKE '%Z' THEN -1 ELSE -6 END)
    ) - 2440587.5) * 86400000) AS INTEGER);

ALTER TABLE members DROP COLUMN created_at;
ALTER TABLE members DROP COLUMN updated_at;
