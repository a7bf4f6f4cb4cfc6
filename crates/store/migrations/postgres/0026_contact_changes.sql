-- Email and phone changes (issue 21, slice H). `users.email_verified_at` is when the person last
-- proved they read mail at their address (a confirmed link: a change, a check of the address
-- they have); NULL until then. A password reset does not set it: whoever registered an address
-- that is not theirs could otherwise have it proved by its owner's reset.
-- `email_changes` holds the links mailed for it: the digest of the link's token (never the token),
-- the address it proves (`purpose` `change`: the new one; `verify`: the one the person has), and
-- when it dies. A link is taken once (`DELETE … RETURNING`); a person has one pending at a time
-- (`user_id` is unique: a new link replaces the row in one statement).
ALTER TABLE users ADD COLUMN email_verified_at BIGINT;
CREATE TABLE email_changes (
    digest TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL,
    purpose TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX email_changes_expiry ON email_changes (expires_at);
