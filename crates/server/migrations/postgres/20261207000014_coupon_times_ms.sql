-- Coupon times as Unix milliseconds (BIGINT), like every other time: `valid_from`,
-- `valid_until`, `used_at` and `created_at` were RFC 3339 text, compared and sorted as
-- text, which is time order only while every row carries the same offset.
--
-- Each column changes type in place (its position, NOT NULL and the CHECK, rebuilt on
-- the new type, stay; no index names these columns) and is renamed. Each time is
-- converted from its text whatever its offset: `::timestamptz` reads the offset and
-- fractional seconds. The fraction is first cut to milliseconds (`.123456789` →
-- `.123`): timestamptz would round it to microseconds, and a rounding up could carry
-- into the next millisecond, where the server (`clock::ms`) truncates.

CREATE FUNCTION coupon_time_ms(t TEXT) RETURNS BIGINT
LANGUAGE SQL STABLE RETURNS NULL ON NULL INPUT AS $$
    SELECT (EXTRACT(EPOCH FROM regexp_replace(t, '(\.[0-9]{3})[0-9]+', '\1')::timestamptz)
        * 1000)::BIGINT
$$;

-- One statement: the CHECK compares two of the columns, and is rebuilt once both changed.
ALTER TABLE coupons
    ALTER COLUMN valid_from TYPE BIGINT USING coupon_time_ms(valid_from),
    ALTER COLUMN valid_until TYPE BIGINT USING coupon_time_ms(valid_until),
    ALTER COLUMN used_at TYPE BIGINT USING coupon_time_ms(used_at),
    ALTER COLUMN created_at TYPE BIGINT USING coupon_time_ms(created_at);
ALTER TABLE coupons RENAME COLUMN valid_from TO valid_from_ms;
ALTER TABLE coupons RENAME COLUMN valid_until TO valid_until_ms;
ALTER TABLE coupons RENAME COLUMN used_at TO used_at_ms;
ALTER TABLE coupons RENAME COLUMN created_at TO created_at_ms;

DROP FUNCTION coupon_time_ms(TEXT);
