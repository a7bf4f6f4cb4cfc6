-- Which clients may call POST /oauth/introspect (RFC 7662): only those the operator created with
-- `kordon admin client create --introspect`. Existing clients lose the right until granted.

ALTER TABLE clients ADD COLUMN introspect BOOLEAN NOT NULL DEFAULT FALSE;
