-- Invites (issue 4). A member's invite code, made at first ask; unique.
ALTER TABLE members ADD COLUMN invite_code TEXT;
CREATE UNIQUE INDEX members_invite_code ON members (invite_code);

-- One row per accepted invite: an invitee accepts at most one (the primary key).
-- `year` is the local calendar year of acceptance; `rewarded` whether the inviter got the
-- reward (their yearly cap counts these).
CREATE TABLE invites (
    invitee_id TEXT PRIMARY KEY REFERENCES members (id),
    inviter_id TEXT NOT NULL REFERENCES members (id),
    year       BIGINT NOT NULL,
    rewarded   BOOLEAN NOT NULL,
    at_ms      BIGINT NOT NULL
);
CREATE INDEX invites_inviter_year ON invites (inviter_id, year);
