-- Coupons received up to this instant (Unix ms) were announced to the member (home's
-- "new in your wallet" card); later gifts are announced once. Members already here have
-- seen the coupons they hold.
ALTER TABLE members ADD COLUMN gifts_seen_ms BIGINT;
UPDATE members
SET gifts_seen_ms = (SELECT MAX(c.created_at_ms) FROM coupons c WHERE c.member_id = members.id);
