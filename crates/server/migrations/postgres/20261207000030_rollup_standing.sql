-- The console's standing figures (issue 40): members per tier and points outstanding
-- were counted over every member per request. The roll-up of the latest day keeps them
-- as of that day's end (`standing_ms`, an instant; its ledger ids up to `ledger_to` and
-- tier changes up to `tiers_to`), and a read adds the members touched since: a ledger
-- entry or a tier change after those ids, registered or erased after that instant.
-- `tiers_to` lags a day behind like `ledger_to` (`tiers_seen`: PostgreSQL hands out ids
-- before commit, so a change still being written at a roll is not taken as done).
ALTER TABLE rolled_days ADD COLUMN tiers_to BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rolled_days ADD COLUMN tiers_seen BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rolled_days ADD COLUMN standing_ms BIGINT;

-- The standing of a rolled day by tier: its members and their balances (debts count as
-- nothing owed), demo members and erased members left out.
CREATE TABLE rolled_standing (
    day      BIGINT NOT NULL,
    tier     TEXT NOT NULL,
    members  BIGINT NOT NULL,
    points   BIGINT NOT NULL,
    PRIMARY KEY (day, tier)
);

-- The members erased since a roll (erasures are rare: the index stays small).
CREATE INDEX members_erased ON members (deleted_at_ms) WHERE deleted_at_ms IS NOT NULL;

-- Active members are counted in SQL; the members of the orders not rolled yet are looked
-- up here to count each of them once.
CREATE INDEX member_days_member ON member_days (member_id, day);
