-- The members' last two text times go, so every instant is Unix milliseconds: `created_at`
-- (RFC 3339 text from the first schema) duplicates `created_at_ms`, and `updated_at`
-- becomes `updated_at_ms`, converted from its text whatever its offset as the coupons'
-- times were (20261207000014: the fraction cut to milliseconds, then timestamptz).

ALTER TABLE members
    ALTER COLUMN updated_at TYPE BIGINT USING (EXTRACT(EPOCH FROM
        regexp_replace(updated_at, '(\.[0-9]{3})[0-9]+', '\1')::timestamptz) * 1000)::BIGINT;
ALTER TABLE members RENAME COLUMN updated_at TO updated_at_ms;
ALTER TABLE members DROP COLUMN created_at;
