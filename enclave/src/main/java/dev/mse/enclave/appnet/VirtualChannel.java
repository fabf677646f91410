package dev.mse.enclave.appnet;

/**
 * A channel with no descriptor behind it: {@link MixedSelector} asks it for its readiness and is
 * woken through {@link #readiness()} when that changes.
 */
interface VirtualChannel {
  /**
   * Whether the channel is in memory now (a server channel is only once it holds the app's port).
   */
  boolean inMemory();

  /** The operations that would not block now. */
  int readyOps();

  Readiness readiness();
}
