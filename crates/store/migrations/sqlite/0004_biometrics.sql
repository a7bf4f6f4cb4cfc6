-- Biometric identifiers (seed 002): an account's persons (the seed's "users"), their voice
-- phrases and face tokens. Times are Unix seconds. A person's identifiers go with the person.

CREATE TABLE persons (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL,
    master_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX persons_account_idx ON persons (account_id, id);

CREATE TABLE phrases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    phrase TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX phrases_person_idx ON phrases (person_id, id);

CREATE TABLE face_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    face_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX face_tokens_person_idx ON face_tokens (person_id, id);
