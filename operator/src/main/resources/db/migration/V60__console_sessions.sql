-- The web console's sign-ins, in the database so that every operator instance behind one address
-- knows them and "sign out everywhere" reaches them all. Keyed by the SHA-256 hex of the cookie.
CREATE TABLE console_sessions (
  cookie_sha256 CHAR(64) PRIMARY KEY,
  account_id UUID NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  csrf VARCHAR(64) NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  last_seen TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX console_sessions_account ON console_sessions (account_id);
