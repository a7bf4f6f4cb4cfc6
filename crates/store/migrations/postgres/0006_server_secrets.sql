-- Server-side secrets made once and shared by every instance (the key that derives a rotated
-- refresh token's successor, so a retry inside the grace window can be answered with the same pair).

CREATE TABLE server_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- A refresh rotation's random salt: the successor is derived from it and the spent token, so a
-- database snapshot cannot predict later successors, while a retry can still be answered.
ALTER TABLE sessions ADD COLUMN rotation_salt TEXT;
