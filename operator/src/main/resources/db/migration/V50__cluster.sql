-- Several operator instances on one PostgreSQL (docs/operator.md, several instances).

-- The leader's lease: whoever holds the advisory lock bumps the epoch once when it takes over, and
-- every leader-only write checks, in its own transaction, that the epoch is still its own
-- (fencing: a paused ex-leader whose lock is gone cannot act).
CREATE TABLE cluster_lease (
  id INTEGER PRIMARY KEY,
  epoch BIGINT NOT NULL,
  holder VARCHAR(255),
  acquired_at TIMESTAMP WITH TIME ZONE
);
INSERT INTO cluster_lease (id, epoch) VALUES (1, 0);

-- Where the leader's node of each live app listens: every instance's proxy routes from here.
CREATE TABLE node_addresses (
  app_id UUID PRIMARY KEY REFERENCES apps (id) ON DELETE CASCADE,
  enclave_host VARCHAR(255) NOT NULL,
  enclave_port INTEGER NOT NULL,
  app_host VARCHAR(255) NOT NULL,
  app_port INTEGER NOT NULL
);

-- The proxies' counters per app, all instances together, added to periodically.
CREATE TABLE proxy_traffic (
  app_id UUID PRIMARY KEY REFERENCES apps (id) ON DELETE CASCADE,
  connections BIGINT NOT NULL,
  bytes_in BIGINT NOT NULL,
  bytes_out BIGINT NOT NULL
);
