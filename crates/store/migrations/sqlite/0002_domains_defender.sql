-- PBX domains (accounts as tenants), PBX roles, session kinds, the Defender and the audit log.

ALTER TABLE accounts ADD COLUMN mode INTEGER NOT NULL DEFAULT 2;
ALTER TABLE accounts ADD COLUMN test_until INTEGER;
ALTER TABLE accounts ADD COLUMN balance TEXT NOT NULL DEFAULT '0.0';
ALTER TABLE accounts ADD COLUMN block_inbound BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE accounts ADD COLUMN block_outbound BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE accounts ADD COLUMN block_face BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE accounts ADD COLUMN tz TEXT NOT NULL DEFAULT 'Europe/Moscow';
ALTER TABLE accounts ADD COLUMN locale TEXT NOT NULL DEFAULT 'ru_RU';
ALTER TABLE accounts ADD COLUMN token_ttl INTEGER NOT NULL DEFAULT 14400;

CREATE TABLE roles (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    role_type INTEGER NOT NULL,
    cabinet_role TEXT NOT NULL,
    perms TEXT NOT NULL DEFAULT '{}',
    visible TEXT NOT NULL DEFAULT '{}',
    filters TEXT NOT NULL DEFAULT '{}'
);
INSERT INTO roles (id, name, role_type, cabinet_role) VALUES
    (2, 'PBX administrator', 1, 'lk_admin'),
    (3, 'Operator', 2, 'lk_user'),
    (4, 'User', 3, 'lk_user');

ALTER TABLE users ADD COLUMN role_id INTEGER NOT NULL DEFAULT 4;
UPDATE users SET role_id = 2 WHERE role = 'lk_admin';

ALTER TABLE sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'cabinet';

CREATE TABLE defender_hosts (
    host TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    window_start INTEGER NOT NULL,
    blocked_until INTEGER NOT NULL DEFAULT 0,
    offences INTEGER NOT NULL DEFAULT 0,
    reason TEXT,
    last_account TEXT
);

CREATE TABLE defender_accounts (
    account TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    window_start INTEGER NOT NULL
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    event TEXT NOT NULL,
    host TEXT,
    account TEXT,
    actor TEXT NOT NULL,
    detail TEXT
);
