-- Second factors (issue 21): an authenticator app's secret per person (RFC 6238), sealed under
-- the key-encryption key like the signing keys; switched on once a code confirmed it. last_step
-- is the newest 30-second step a code was accepted for: a step is never accepted twice.
CREATE TABLE totp_factors (
    user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    secret TEXT NOT NULL,
    last_step BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    confirmed_at BIGINT
);
-- Recovery codes, by SHA-256 digest only; each works once.
CREATE TABLE recovery_codes (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    digest TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    used_at BIGINT,
    PRIMARY KEY (user_id, digest)
);
