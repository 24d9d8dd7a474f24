-- A coupon's title in English next to the Chinese one (`title`), so the wallet shows
-- the member's language. Coupons issued before have none: the API falls back to `title`.
ALTER TABLE coupons ADD COLUMN title_en TEXT;
