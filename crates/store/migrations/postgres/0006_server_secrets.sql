-- Server-side secrets made once and shared by every instance (the key that derives a rotated
-- refresh token's successor, so a retry inside the grace window can be answered with the same pair).

CREATE TABLE server_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
