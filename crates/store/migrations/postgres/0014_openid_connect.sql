-- OpenID Connect: the authorization code flow through kordon's own login page.
--
-- A client's registered redirect URIs (exact strings, space-separated, as grants are), the URIs
-- RP-initiated logout may return to, whether it is public (no secret: PKCE is its proof) and
-- whether it is trusted (first-party: no consent page).
ALTER TABLE clients ADD COLUMN redirect_uris TEXT NOT NULL DEFAULT '';
ALTER TABLE clients ADD COLUMN post_logout_redirect_uris TEXT NOT NULL DEFAULT '';
ALTER TABLE clients ADD COLUMN public BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE clients ADD COLUMN trusted BOOLEAN NOT NULL DEFAULT FALSE;

-- The browser's sign-in at kordon (SSO): the cookie holds a random value, this row its digest.
-- Logout, a password change or a disabled user ends it (revoked_at).
CREATE TABLE login_sessions (
    digest TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    auth_time BIGINT NOT NULL,
    amr TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX login_sessions_user ON login_sessions (user_id);

-- Authorization codes (digest only): single use, short-lived, bound to the client, the redirect
-- URI, the PKCE challenge and the nonce. family_id names the token family the code was
-- exchanged for, so a second use can revoke it.
CREATE TABLE authorization_codes (
    digest TEXT PRIMARY KEY,
    client_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    redirect_uri TEXT NOT NULL,
    scope TEXT NOT NULL,
    nonce TEXT,
    code_challenge TEXT,
    auth_time BIGINT NOT NULL,
    amr TEXT NOT NULL,
    login_session TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    spent_at BIGINT,
    family_id TEXT
);

-- What a user allowed a client (scopes, space-separated), until revoked.
CREATE TABLE consents (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    client_id BIGINT NOT NULL,
    scope TEXT NOT NULL,
    granted_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, client_id)
);

-- The scopes an OAuth session was granted (empty for the password grant's sessions): refresh
-- keeps them, UserInfo answers by them.
ALTER TABLE sessions ADD COLUMN scope TEXT NOT NULL DEFAULT '';
