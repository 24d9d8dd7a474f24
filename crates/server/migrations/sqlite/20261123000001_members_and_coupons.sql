-- Members and their coupon wallets. Kept to SQL that SQLite and PostgreSQL both accept
-- (BIGINT, BOOLEAN with TRUE/FALSE, TEXT), so the PostgreSQL migration can be the same.
-- Times are RFC 3339 text with the program's offset (+08:00): one offset everywhere
-- keeps text order equal to time order. Money is integer fen.

CREATE TABLE members (
    id                   TEXT PRIMARY KEY,
    -- E.164, e.g. +8613800000001; login (a later issue) is by phone.
    phone                TEXT UNIQUE,
    nickname             TEXT NOT NULL,
    tier                 TEXT NOT NULL,
    -- Materialized from orders (a later issue); trailing 365-day qualifying spend.
    qualifying_spend_fen BIGINT NOT NULL DEFAULT 0,
    lifetime_spend_fen   BIGINT NOT NULL DEFAULT 0,
    -- Materialized from the points ledger (a later issue); may be negative (a debt).
    points_balance       BIGINT NOT NULL DEFAULT 0,
    -- YYYY-MM-DD, settable once.
    birthday             TEXT,
    first_order          BOOLEAN NOT NULL DEFAULT TRUE,
    is_demo              BOOLEAN NOT NULL DEFAULT FALSE,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    CHECK (qualifying_spend_fen >= 0),
    CHECK (lifetime_spend_fen >= qualifying_spend_fen)
);

CREATE TABLE coupons (
    id               TEXT PRIMARY KEY,
    member_id        TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    -- The rules crate's CouponKind as JSON, e.g. {"type":"threshold","min_spend_fen":10000,"off_fen":1500}.
    kind             TEXT NOT NULL,
    title            TEXT NOT NULL,
    -- welcome, first_order, monthly, birthday, invite, mall, campaign, staff
    source           TEXT NOT NULL,
    valid_from       TEXT NOT NULL,
    -- The first instant at which the coupon is no longer valid.
    valid_until      TEXT NOT NULL,
    first_order_only BOOLEAN NOT NULL DEFAULT FALSE,
    used_at          TEXT,
    created_at       TEXT NOT NULL,
    CHECK (valid_until > valid_from)
);

CREATE INDEX coupons_member_id ON coupons (member_id);
