-- kordon schema, SQLite: accounts, users, clients, sessions, API tokens, FlashCall, resets, managers.
-- Times are Unix seconds; secrets are stored only as digests or argon2id hashes.

CREATE TABLE managers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    phone TEXT NOT NULL
);

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    domain TEXT,
    manager_id INTEGER REFERENCES managers(id),
    promocode TEXT,
    created_at INTEGER NOT NULL,
    CONSTRAINT accounts_domain_key UNIQUE (domain)
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    email TEXT NOT NULL,
    email_key TEXT NOT NULL,
    phone TEXT,
    first_name TEXT,
    last_name TEXT,
    middle_name TEXT,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    password_changed_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    CONSTRAINT users_email_key UNIQUE (email_key),
    CONSTRAINT users_phone_key UNIQUE (phone)
);

CREATE TABLE clients (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    grants TEXT NOT NULL,
    owner_user_id INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL
);

-- The cabinet front-end of seed 000 (Client: 10553); it has no secret.
INSERT INTO clients (id, name, secret_hash, grants, owner_user_id, created_at)
VALUES (10553, 'cabinet', '', 'cabinet', NULL, 0);

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    family_id TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id),
    client_id INTEGER NOT NULL,
    access_digest TEXT NOT NULL UNIQUE,
    access_expires INTEGER NOT NULL,
    refresh_digest TEXT NOT NULL UNIQUE,
    refresh_expires INTEGER NOT NULL,
    rotated_at INTEGER,
    revoked_at INTEGER,
    created_at INTEGER NOT NULL,
    ip TEXT,
    user_agent TEXT
);
CREATE INDEX sessions_family ON sessions (family_id);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id),
    digest TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens (user_id, id);

CREATE TABLE cooldowns (
    key TEXT PRIMARY KEY,
    taken_at INTEGER NOT NULL
);

CREATE TABLE rate_counters (
    key TEXT NOT NULL,
    window_start INTEGER NOT NULL,
    hits INTEGER NOT NULL,
    PRIMARY KEY (key, window_start)
);

CREATE TABLE verifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    phone TEXT NOT NULL,
    purpose TEXT NOT NULL,
    user_id INTEGER,
    token_digest TEXT NOT NULL UNIQUE,
    pin_digest TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    ip TEXT,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    spent_at INTEGER
);
CREATE INDEX verifications_phone ON verifications (phone, purpose, id);

CREATE TABLE password_resets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id),
    digest TEXT NOT NULL UNIQUE,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    spent_at INTEGER
);
CREATE INDEX password_resets_user ON password_resets (user_id);
