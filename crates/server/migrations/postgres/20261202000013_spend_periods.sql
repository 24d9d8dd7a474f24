-- Each member's qualifying spend (earn base less refunds) per 30-day period from the epoch
-- (period = paid_at_ms / 2592000000; db::members::SPEND_PERIOD_MS is the same number).
-- The trailing spend that GET /api/me and every order read is then a year of periods
-- plus the orders at the window's two edges, instead of every order of the year.
-- Kept by a trigger, so every write to orders (an order, a refund, the demo's reset, a
-- bulk seed) keeps it exact without the writer having to know.
CREATE TABLE spend_periods (
    member_id TEXT NOT NULL REFERENCES members (id),
    period    BIGINT NOT NULL,
    spend_fen BIGINT NOT NULL,
    PRIMARY KEY (member_id, period)
);

INSERT INTO spend_periods (member_id, period, spend_fen)
SELECT member_id, paid_at_ms / 2592000000, SUM(earn_base_fen - refunded_fen)
FROM orders GROUP BY member_id, paid_at_ms / 2592000000;

CREATE FUNCTION orders_spend_periods() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO spend_periods AS s (member_id, period, spend_fen)
        VALUES (OLD.member_id, OLD.paid_at_ms / 2592000000, OLD.refunded_fen - OLD.earn_base_fen)
        ON CONFLICT (member_id, period) DO UPDATE SET spend_fen = s.spend_fen + EXCLUDED.spend_fen;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO spend_periods AS s (member_id, period, spend_fen)
        VALUES (NEW.member_id, NEW.paid_at_ms / 2592000000, NEW.earn_base_fen - NEW.refunded_fen)
        ON CONFLICT (member_id, period) DO UPDATE SET spend_fen = s.spend_fen + EXCLUDED.spend_fen;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER orders_spend_periods
AFTER INSERT OR UPDATE OF member_id, paid_at_ms, earn_base_fen, refunded_fen OR DELETE ON orders
FOR EACH ROW EXECUTE FUNCTION orders_spend_periods();
