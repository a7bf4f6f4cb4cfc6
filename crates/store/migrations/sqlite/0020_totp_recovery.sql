-- Second factors (issue 21): an authenticator app's secret per person (RFC 6238), sealed under
-- the key-encryption key like the signing keys; switched on once a code confirmed it. last_step
-- is the newest 30-second step a code was accepted for: a step is never accepted twice.
CREATE TABLE totp_factors (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    secret TEXT NOT NULL,
    last_step INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    confirmed_at INTEGER
);
-- Recovery codes, by SHA-256 digest only; each works once.
CREATE TABLE recovery_codes (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    digest TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    used_at INTEGER,
    PRIMARY KEY (user_id, digest)
);
