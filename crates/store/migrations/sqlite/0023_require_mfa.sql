-- An application whose sign-ins must carry a second factor (issue 21): its code flow does not
-- answer with a one-factor sign-in; a person without a second factor is sent to set one up.
ALTER TABLE clients ADD COLUMN require_mfa BOOLEAN NOT NULL DEFAULT FALSE;
