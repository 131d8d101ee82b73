-- The last TOTP time step each user signed in with: a code is used once.
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
