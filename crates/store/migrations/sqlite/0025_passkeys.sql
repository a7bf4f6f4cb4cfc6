-- Passkeys (issue 21, WebAuthn): a person's registered credentials and the ceremonies under way.
-- `users.webauthn_handle` is the random user handle (base64url of 64 bytes) an authenticator
-- keeps beside a discoverable credential: a password-less sign-in finds the person by it, and it
-- says nothing of who they are. A passkey keeps its public key and flags as the `webauthn_rp`
-- crate encodes them (`public_key`: the static state, `state`: the dynamic one — the signature
-- counter, backup and user-verified flags — replaced by a compare-and-set on every use).
-- A ceremony is keyed by the challenge it sent and deleted when it is finished (`DELETE …
-- RETURNING`), so it is finished once, on any instance.
ALTER TABLE users ADD COLUMN webauthn_handle TEXT;
CREATE UNIQUE INDEX users_webauthn_handle ON users (webauthn_handle);
CREATE TABLE passkeys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    credential_id TEXT NOT NULL UNIQUE,
    public_key TEXT NOT NULL,
    state TEXT NOT NULL,
    name TEXT NOT NULL,
    attachment TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used INTEGER
);
CREATE INDEX passkeys_user ON passkeys (user_id, id);
CREATE TABLE webauthn_ceremonies (
    challenge TEXT PRIMARY KEY,
    user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    state TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX webauthn_ceremonies_expiry ON webauthn_ceremonies (expires_at);
