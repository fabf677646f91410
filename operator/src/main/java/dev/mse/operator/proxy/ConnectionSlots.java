package dev.mse.operator.proxy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Connections open per key (an app, a source address), each key up to one limit. A key's count
 * lives only while it is above zero, so the map holds no more entries than open connections. One
 * atomic map update per take and give: no lock is held across a connection.
 */
final class ConnectionSlots<K> {
  private final int limit;
  private final Map<K, Integer> open = new ConcurrentHashMap<>();

  ConnectionSlots(int limit) {
    this.limit = limit;
  }

  /** Takes a slot of {@code key}'s share, or says no (and takes nothing). */
  boolean tryTake(K key) {
    boolean[] taken = new boolean[1];
    open.compute(
        key,
        (k, count) -> {
          int now = count == null ? 0 : count;
          if (now >= limit) {
            return count;
          }
          taken[0] = true;
          return now + 1;
        });
    return taken[0];
  }

  /** Gives back a slot that {@link #tryTake} gave. */
  void give(K key) {
    open.computeIfPresent(key, (k, count) -> count == 1 ? null : count - 1);
  }

  /** Slots of {@code key} in use. */
  int open(K key) {
    return open.getOrDefault(key, 0);
  }

  int limit() {
    return limit;
  }
}
