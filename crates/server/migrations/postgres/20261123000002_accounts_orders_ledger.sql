-- Accounts, login, orders and the points ledger. New times are Unix milliseconds (BIGINT):
-- portable, and ordered the same in both databases. Local dates are YYYY-MM-DD text.

-- Who may do what: member (the default), staff, admin (created by `member-center user create`).
ALTER TABLE members ADD COLUMN role TEXT NOT NULL DEFAULT 'member';
ALTER TABLE members ADD COLUMN locale TEXT;
-- The privacy notice's version the member accepted at registration, and when.
ALTER TABLE members ADD COLUMN consent_version TEXT;
ALTER TABLE members ADD COLUMN consent_at_ms BIGINT;
-- Deletion erases personal data; the row stays as an anonymous tombstone for the ledger.
ALTER TABLE members ADD COLUMN deleted_at_ms BIGINT;
-- Bumped by every write transaction first: the per-member lock (see db.rs).
ALTER TABLE members ADD COLUMN lock_version BIGINT NOT NULL DEFAULT 0;
-- Points owed after a take-back larger than the open lots; later credits repay it first.
ALTER TABLE members ADD COLUMN points_debt BIGINT NOT NULL DEFAULT 0;
-- Monthly downgrade evaluation: consecutive evaluations below the held tier, and the
-- local date (YYYY-MM-DD, a 1st) of the last one applied (so a rerun changes nothing).
ALTER TABLE members ADD COLUMN below_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN last_evaluation TEXT;
-- The last check-in's local date and its day in the streak.
ALTER TABLE members ADD COLUMN checkin_date TEXT;
ALTER TABLE members ADD COLUMN checkin_streak BIGINT NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN created_at_ms BIGINT NOT NULL DEFAULT 0;

ALTER TABLE coupons ADD COLUMN used_order_id TEXT;

-- One pending one-time code per phone; the code itself is never stored.
CREATE TABLE otp_codes (
    phone         TEXT PRIMARY KEY,
    salt          TEXT NOT NULL,
    code_sha256   TEXT NOT NULL,
    sent_at_ms    BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    attempts      BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE sessions (
    token_sha256  TEXT PRIMARY KEY,
    member_id     TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL
);
CREATE INDEX sessions_member ON sessions (member_id);

-- Shops' API keys for /api/v1/*; the key itself is shown once and never stored.
CREATE TABLE api_keys (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    key_sha256    TEXT NOT NULL UNIQUE,
    created_at_ms BIGINT NOT NULL,
    revoked_at_ms BIGINT
);

-- Orders as the shop reported them, with the quote the server charged them by.
CREATE TABLE orders (
    id                TEXT PRIMARY KEY,
    member_id         TEXT NOT NULL REFERENCES members (id),
    -- SHA-256 of the request as parsed: the same id with another body is a conflict.
    request_sha256    TEXT NOT NULL,
    paid_at_ms        BIGINT NOT NULL,
    earn_base_fen     BIGINT NOT NULL,
    payable_fen       BIGINT NOT NULL,
    refunded_fen      BIGINT NOT NULL DEFAULT 0,
    -- P of PROGRAM.md §2's refund rule: tier + campaign + order bonus points.
    refundable_points BIGINT NOT NULL,
    points_used       BIGINT NOT NULL,
    points_taken_back BIGINT NOT NULL DEFAULT 0,
    points_returned   BIGINT NOT NULL DEFAULT 0,
    coupon_id         TEXT,
    quote             TEXT NOT NULL,
    -- The answer, replayed as it is to a retried request.
    response          TEXT NOT NULL,
    received_at_ms    BIGINT NOT NULL,
    CHECK (refunded_fen >= 0 AND refunded_fen <= earn_base_fen)
);
CREATE INDEX orders_member_paid ON orders (member_id, paid_at_ms);

CREATE TABLE refunds (
    id             TEXT PRIMARY KEY,
    order_id       TEXT NOT NULL REFERENCES orders (id),
    request_sha256 TEXT NOT NULL,
    amount_fen     BIGINT NOT NULL,
    response       TEXT NOT NULL,
    at_ms          BIGINT NOT NULL
);

-- Milestone bonuses a member holds (taken back when a refund drops lifetime spend below).
CREATE TABLE milestones_held (
    member_id          TEXT NOT NULL REFERENCES members (id),
    lifetime_spend_fen BIGINT NOT NULL,
    points             BIGINT NOT NULL,
    PRIMARY KEY (member_id, lifetime_spend_fen)
);

CREATE TABLE checkins (
    member_id  TEXT NOT NULL REFERENCES members (id),
    local_date TEXT NOT NULL,
    streak_day BIGINT NOT NULL,
    points     BIGINT NOT NULL,
    PRIMARY KEY (member_id, local_date)
);

-- The points ledger: append-only, newest last; `balance_after` is the materialized
-- balance right after the entry.
CREATE TABLE points_ledger (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    member_id     TEXT NOT NULL REFERENCES members (id),
    kind          TEXT NOT NULL,
    points        BIGINT NOT NULL,
    balance_after BIGINT NOT NULL,
    order_id      TEXT,
    refund_id     TEXT,
    at_ms         BIGINT NOT NULL
);
CREATE INDEX points_ledger_member ON points_ledger (member_id, id);

-- What is left of each credit, and when it expires (oldest expiry is spent first).
CREATE TABLE point_lots (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    member_id     TEXT NOT NULL REFERENCES members (id),
    entry_id      BIGINT NOT NULL REFERENCES points_ledger (id),
    remaining     BIGINT NOT NULL CHECK (remaining >= 0),
    expires_at_ms BIGINT NOT NULL
);
CREATE INDEX point_lots_member ON point_lots (member_id, expires_at_ms);
