package dev.mse.operator.proxy;

import java.util.UUID;

/** Where the proxy reports traffic per app. Called on the relay threads: must be cheap. */
public interface ProxyMetrics {
  ProxyMetrics NONE =
      new ProxyMetrics() {
        @Override
        public void connectionOpened(UUID appId) {}

        @Override
        public void connectionClosed(UUID appId, long bytesIn, long bytesOut) {}
      };

  void connectionOpened(UUID appId);

  /**
   * @param bytesIn bytes from the client to the node
   * @param bytesOut bytes from the node to the client
   */
  void connectionClosed(UUID appId, long bytesIn, long bytesOut);
}
