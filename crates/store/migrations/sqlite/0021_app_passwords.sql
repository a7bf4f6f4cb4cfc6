-- App passwords (issue 21): a person's stand-in passwords for the dialects that take a password
-- and nothing else (the PBX action API, the OAuth password grant), made on the account page and
-- shown once. `kap_` and 32 random characters, kept as a SHA-256 digest (random secrets need no
-- slow hash); `prefix` is what the page shows of one. They end with the password.
CREATE TABLE app_passwords (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    digest TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used INTEGER
);
CREATE INDEX app_passwords_user ON app_passwords (user_id, id);
