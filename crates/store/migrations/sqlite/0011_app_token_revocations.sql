-- client_credentials access tokens are JWTs without a session row (nothing is written to issue
-- one). What can end one before it expires:
-- * RFC 7009 revocation of that token: its jti is listed here until it would have expired;
-- * anything that ends every session of the application's owner (a password change or reset,
--   disabling the user) moves the owner's token_generation, and a token carries the generation
--   it was issued under;
-- * deleting the application or the owner: the token's client or user is gone.
ALTER TABLE users ADD COLUMN token_generation BIGINT NOT NULL DEFAULT 0;

CREATE TABLE revoked_jtis (
    jti TEXT PRIMARY KEY,
    client_id BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX revoked_jtis_expires_at ON revoked_jtis (expires_at);
