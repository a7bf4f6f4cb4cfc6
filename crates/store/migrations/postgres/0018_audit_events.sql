-- The audit log grows from operators' lines into a record of authentication events: who (user,
-- tenant, client), how (dialect, method), from where (host, user agent), with what result and
-- why. Old lines keep their values; their types take the family names (block → defender.block).
ALTER TABLE audit_log ADD COLUMN result TEXT NOT NULL DEFAULT 'success';
ALTER TABLE audit_log ADD COLUMN dialect TEXT;
ALTER TABLE audit_log ADD COLUMN method TEXT;
ALTER TABLE audit_log ADD COLUMN user_id BIGINT;
ALTER TABLE audit_log ADD COLUMN tenant_id BIGINT;
ALTER TABLE audit_log ADD COLUMN client_id BIGINT;
ALTER TABLE audit_log ADD COLUMN user_agent TEXT;
ALTER TABLE audit_log ADD COLUMN reason TEXT;

UPDATE audit_log SET event = 'defender.' || event WHERE event IN ('block', 'unblock', 'forgive');
UPDATE audit_log SET reason = detail, detail = NULL WHERE event = 'defender.block';
UPDATE audit_log SET user_id = CAST(substr(account, 6) AS BIGINT)
WHERE account LIKE 'user:%' AND event IN ('user.disable', 'user.enable', 'user.delete', 'session.revoke');

-- Searches: newest first, by time, by user, by host, by type, by tenant.
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_user ON audit_log (user_id, at);
CREATE INDEX audit_log_host ON audit_log (host, at);
CREATE INDEX audit_log_event ON audit_log (event, at);
CREATE INDEX audit_log_tenant ON audit_log (tenant_id, at);
