-- Points-expiry reminders by SMS (issue 39 §1, seed 002's 积分到期提醒), for members who
-- opted in on their profile: off by default, the opt-in's time kept like the privacy
-- consent's (NULL: not opted in, or opted out since).
ALTER TABLE members ADD COLUMN expiry_reminders_at_ms BIGINT;

-- One reminder per member and expiry instant (a year's lots expire together): the row is
-- claimed before the message goes and given back if the provider refuses it, so servers
-- sharing the database send it once.
CREATE TABLE expiry_reminders (
    member_id     TEXT NOT NULL REFERENCES members (id),
    expires_at_ms BIGINT NOT NULL,
    points        BIGINT NOT NULL,
    sent_at_ms    BIGINT NOT NULL,
    PRIMARY KEY (member_id, expires_at_ms)
);
