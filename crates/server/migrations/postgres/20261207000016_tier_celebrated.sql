-- The last tier a member was shown (the app's celebration sheet, once per upgrade): an
-- upgrade is celebrated while the tier held ranks above it. Members already here have
-- seen the tier they hold.
ALTER TABLE members ADD COLUMN tier_celebrated TEXT;
UPDATE members SET tier_celebrated = tier;
