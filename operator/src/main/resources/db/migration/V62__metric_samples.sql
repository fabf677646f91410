-- The console's charts: every live app's counters, recorded every 10 s by the instance that runs
-- the nodes (the leader of several), read by every instance, kept 24 hours (purged by the leader
-- with the logs). Counters, not rates: a reader computes rates between consecutive samples.
CREATE TABLE metric_samples (
  app_id UUID NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  at TIMESTAMP WITH TIME ZONE NOT NULL,
  requests BIGINT NOT NULL,
  average_latency_ms DOUBLE PRECISION NOT NULL,
  active_connections BIGINT NOT NULL,
  bytes_in BIGINT NOT NULL,
  bytes_out BIGINT NOT NULL,
  cpu_seconds DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (app_id, at)
);
-- the purge deletes by time across all apps
CREATE INDEX metric_samples_at ON metric_samples (at);
