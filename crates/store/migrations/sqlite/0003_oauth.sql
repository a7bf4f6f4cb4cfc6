-- OAuth: per-client token lifetimes and the JWT signing keys (RS256), published in the JWKS
-- until `not_after`.

ALTER TABLE clients ADD COLUMN access_ttl INTEGER;

CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY,
    algorithm TEXT NOT NULL,
    private_pem TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    not_after INTEGER
);

CREATE INDEX sessions_client ON sessions (client_id);
