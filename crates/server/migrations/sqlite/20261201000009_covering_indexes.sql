-- The sums every order and every GET /api/me reads (db::members::sums: trailing spend,
-- expired and expiring points) answered from the index alone: without the summed columns
-- in it, each of a member's orders and lots was one more lookup in the table.
DROP INDEX orders_member_paid;
CREATE INDEX orders_member_paid ON orders (member_id, paid_at_ms, earn_base_fen, refunded_fen);
DROP INDEX point_lots_member;
CREATE INDEX point_lots_member ON point_lots (member_id, expires_at_ms, remaining);
