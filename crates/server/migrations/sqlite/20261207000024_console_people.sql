-- The operators' console (issue 40): people, keys and the audit log read by admins.

-- An action may come from the command line (`user create`, `api-key revoke`), which has
-- no account: its actor is NULL. And rows get their order of writing (`seq`): the console
-- reads newest first, and two actions may share a millisecond. SQLite can change neither
-- in place, so the table is rebuilt.
CREATE TABLE audit_log_new (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             TEXT NOT NULL UNIQUE,
    actor_id       TEXT REFERENCES members (id),
    action         TEXT NOT NULL,
    member_id      TEXT REFERENCES members (id),
    request_sha256 TEXT NOT NULL,
    detail         TEXT NOT NULL,
    response       TEXT NOT NULL,
    at_ms          BIGINT NOT NULL
);
INSERT INTO audit_log_new (id, actor_id, action, member_id, request_sha256, detail,
    response, at_ms)
    SELECT id, actor_id, action, member_id, request_sha256, detail, response, at_ms
    FROM audit_log ORDER BY at_ms, id;
DROP TABLE audit_log;
ALTER TABLE audit_log_new RENAME TO audit_log;
CREATE INDEX audit_log_member ON audit_log (member_id, seq);
-- The console's filters: by time, by actor, by kind.
CREATE INDEX audit_log_at ON audit_log (at_ms);
CREATE INDEX audit_log_actor ON audit_log (actor_id, seq);
CREATE INDEX audit_log_action ON audit_log (action, seq);

-- When a shop's key was last used, to the minute (written at most once a minute a key).
ALTER TABLE api_keys ADD COLUMN last_used_at_ms BIGINT;

-- The console's list of people: the few accounts with a role beyond member.
CREATE INDEX members_people ON members (role) WHERE role <> 'member';
