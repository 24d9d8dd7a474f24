-- The console's dashboard (issue 40).

-- Each store's whole day of sales as the shop reports it (every buyer, members or not):
-- the members' share of sales. A second report of a day replaces the first.
CREATE TABLE store_sales (
    store_code      TEXT NOT NULL REFERENCES stores (code),
    day             TEXT NOT NULL,
    total_fen       BIGINT NOT NULL,
    order_count     BIGINT NOT NULL,
    reported_at_ms  BIGINT NOT NULL,
    PRIMARY KEY (store_code, day)
);
CREATE INDEX store_sales_day ON store_sales (day);

-- How a member registered: `phone` (a phone login), `store_qr` (a store's join link),
-- `host_link` (a host app's login link), `operator` (given a role by an operator).
ALTER TABLE members ADD COLUMN channel TEXT NOT NULL DEFAULT 'phone';
UPDATE members SET channel = 'store_qr' WHERE joined_via = 'store_qr';
CREATE INDEX members_created ON members (created_at_ms);

-- No time index on the orders, the ledger or the coupons for the dashboard's ranges: each
-- would cost every order (docs/performance.md); their figures are to come from daily
-- rollups instead.
