-- Operators disable, enable and delete users: a disabled user is invisible to every sign-in
-- path (the lookups skip it), so every dialect refuses it exactly like a wrong password.

ALTER TABLE users ADD COLUMN disabled_at BIGINT;
