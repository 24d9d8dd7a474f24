-- The operators' console (issue 40): people, keys and the audit log read by admins.

-- An action may come from the command line (`user create`, `api-key revoke`), which has
-- no account: its actor is NULL. And rows get their order of writing (`seq`, the old rows
-- numbered by time): the console reads newest first, and two actions may share a
-- millisecond.
ALTER TABLE audit_log ALTER COLUMN actor_id DROP NOT NULL;
CREATE SEQUENCE audit_log_seq;
ALTER TABLE audit_log ADD COLUMN seq BIGINT;
UPDATE audit_log SET seq = numbered.n FROM (
    SELECT id, ROW_NUMBER() OVER (ORDER BY at_ms, id) AS n FROM audit_log
) AS numbered WHERE audit_log.id = numbered.id;
SELECT setval('audit_log_seq', COALESCE((SELECT MAX(seq) FROM audit_log), 0) + 1, false);
ALTER TABLE audit_log ALTER COLUMN seq SET DEFAULT nextval('audit_log_seq');
ALTER TABLE audit_log ALTER COLUMN seq SET NOT NULL;
ALTER SEQUENCE audit_log_seq OWNED BY audit_log.seq;
CREATE UNIQUE INDEX audit_log_by_seq ON audit_log (seq);
DROP INDEX audit_log_member;
CREATE INDEX audit_log_member ON audit_log (member_id, seq);
-- The console's filters: by time, by actor, by kind.
CREATE INDEX audit_log_at ON audit_log (at_ms);
CREATE INDEX audit_log_actor ON audit_log (actor_id, seq);
CREATE INDEX audit_log_action ON audit_log (action, seq);

-- When a shop's key was last used, to the minute (written at most once a minute a key).
ALTER TABLE api_keys ADD COLUMN last_used_at_ms BIGINT;

-- The console's list of people: the few accounts with a role beyond member.
CREATE INDEX members_people ON members (role) WHERE role <> 'member';
