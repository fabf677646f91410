-- Several operator instances: the leader runs the nodes and publishes their counters here
-- periodically (only those that changed), so that every instance's API and console show them.
CREATE TABLE node_metrics (
  app_id UUID PRIMARY KEY REFERENCES apps (id) ON DELETE CASCADE,
  requests BIGINT NOT NULL,
  average_latency_ms DOUBLE PRECISION NOT NULL,
  active_connections BIGINT NOT NULL,
  cpu_seconds DOUBLE PRECISION NOT NULL,
  heap_max_bytes BIGINT NOT NULL,
  direct_max_bytes BIGINT NOT NULL,
  sampled_at TIMESTAMP WITH TIME ZONE NOT NULL
);
