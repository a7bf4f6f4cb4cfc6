-- A tenant whose people must all sign in with a second factor (issue 21): no dialect signs one of
-- them in with a password alone; the account page (where they set one up) is the exception.
ALTER TABLE accounts ADD COLUMN require_mfa BOOLEAN NOT NULL DEFAULT FALSE;
