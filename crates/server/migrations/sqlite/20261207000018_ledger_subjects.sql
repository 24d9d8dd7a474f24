-- What the points history names (issue 37). A mall entry now records its redemption, so
-- the history can name the item; entries from before are matched to the redemption of
-- the same member, instant and price (one member's redemptions run one after the other,
-- each with its own instant in practice).
ALTER TABLE points_ledger ADD COLUMN redemption_id TEXT;
UPDATE points_ledger SET redemption_id = (
    SELECT MIN(r.id) FROM mall_redemptions r
    WHERE r.member_id = points_ledger.member_id
      AND r.at_ms = points_ledger.at_ms
      AND r.points = -points_ledger.points
) WHERE kind = 'mall';

-- The member's orders screen reads each order's refunds.
CREATE INDEX refunds_order ON refunds (order_id, at_ms);
