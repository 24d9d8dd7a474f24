-- The console's figures at scale (issue 40, "fast at scale"): daily rollups made by the
-- nightly job (db/rollups.rs), so the dashboard reads a few thousand rolled rows plus
-- the days not yet rolled instead of scanning the orders, the ledger and the coupons.

-- What each rolled day (`src_day`, a local day number) contributed to each figure at
-- each `slot` (a local day number, or a local two-hour slot for the `*_2h` figures): a
-- day's rows are its orders, refunds, new members and coupons, and a range of ledger
-- entries, wherever in time they count. Re-rolling a day deletes its rows and writes
-- them again.
CREATE TABLE rollups (
    src_day  BIGINT NOT NULL,
    figure   TEXT NOT NULL,
    slot     BIGINT NOT NULL,
    k        TEXT NOT NULL,
    v        BIGINT NOT NULL,
    PRIMARY KEY (figure, slot, k, src_day)
);
CREATE INDEX rollups_src ON rollups (src_day);

-- The days rolled, and the ledger entries each took: ids in (ledger_after, ledger_to].
-- `ledger_seen` is the latest id when the day was rolled: the next day takes entries up
-- to it, so an entry still being written then (PostgreSQL's ids are handed out before
-- commit) is not skipped.
CREATE TABLE rolled_days (
    day           BIGINT PRIMARY KEY,
    ledger_after  BIGINT NOT NULL,
    ledger_to     BIGINT NOT NULL,
    ledger_seen   BIGINT NOT NULL,
    rolled_at_ms  BIGINT NOT NULL
);

-- The days not yet rolled are read from the rows since their start. The orders by
-- when they arrived (always about now: the index grows at its end; the orders bench
-- decides, docs/performance.md); refunds and coupons are off the order path (a coupon's
-- use changes `used_at_ms`, in neither index).
CREATE INDEX orders_received ON orders (received_at_ms);
CREATE INDEX refunds_at ON refunds (at_ms);
CREATE INDEX coupons_created ON coupons (created_at_ms);
CREATE INDEX coupons_valid_until ON coupons (valid_until_ms);

-- The coupons a refund gave back (a whole refund while the coupon is still valid): the
-- coupons used on the order's day lose them.
ALTER TABLE refunds ADD COLUMN coupons_returned BIGINT NOT NULL DEFAULT 0;

-- The churn list's order (the most valuable first): its first page walks this index and
-- stops after a page of members at risk, instead of sorting every member. Every order
-- changes the spend, so every order moves the member in it: the orders bench decides
-- (docs/performance.md).
CREATE INDEX members_by_value ON members (lifetime_spend_fen DESC, id DESC);
