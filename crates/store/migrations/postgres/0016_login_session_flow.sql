-- A sign-in made on the login page of an authorization request that demanded a fresh one
-- (prompt=login, or a max_age its older sign-in exceeded) counts as fresh for that request only,
-- and once: `flow` is the digest of that request, cleared when its code is issued. The consent
-- form can be posted from any page of the flow, so freshness cannot be read from the time alone.
ALTER TABLE login_sessions ADD COLUMN flow TEXT;
