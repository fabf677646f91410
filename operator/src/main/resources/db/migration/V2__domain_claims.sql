-- One live app per domain, enforced by the database: a partial unique index would say it in one
-- line, but H2 has none, so live apps claim their domain here and release it when they end.
CREATE TABLE domain_claims (
  domain VARCHAR(255) PRIMARY KEY,
  app_id UUID NOT NULL UNIQUE REFERENCES apps (id) ON DELETE CASCADE
);

INSERT INTO domain_claims (domain, app_id)
  SELECT domain, id FROM apps WHERE status IN ('spawning', 'initializing', 'running');
