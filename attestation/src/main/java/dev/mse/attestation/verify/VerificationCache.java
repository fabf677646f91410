package dev.mse.attestation.verify;

import dev.mse.attestation.codec.ByteString;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Remembers the results of time-independent checks (signatures, certificate chains, parsed
 * collateral) keyed by the SHA-256 of the exact bytes checked, so that verifying many quotes
 * against the same collateral checks each signature once. Time windows and policy are evaluated on
 * every verification; only pure functions of bytes are cached, so a cached answer is always the
 * answer the check would give again.
 */
public final class VerificationCache {
  private static final int MAX_ENTRIES = 16_384;

  private final Map<Key, Object> entries = new ConcurrentHashMap<>();
  private final boolean enabled;

  private VerificationCache(boolean enabled) {
    this.enabled = enabled;
  }

  /** A cache that remembers checks across verifications. */
  public static VerificationCache create() {
    return new VerificationCache(true);
  }

  /** No caching: every verification checks everything (the "full" mode). */
  public static VerificationCache none() {
    return new VerificationCache(false);
  }

  private record Key(String kind, ByteString digest) {}

  /** Whether this cache remembers anything (false for {@link #none()}). */
  boolean remembers() {
    return enabled;
  }

  /**
   * The cached value of {@code kind} for the inputs {@code parts}, computing it on first use. The
   * key is the SHA-256 over the parts' SHA-256 digests, which {@link ByteString} computes once per
   * instance; nothing is hashed when caching is off.
   */
  @SuppressWarnings("unchecked")
  <T> T get(String kind, Supplier<List<ByteString>> parts, Supplier<T> compute) {
    if (!enabled) {
      return compute.get();
    }
    Key key = new Key(kind, digestOf(parts.get()));
    Object cached = entries.get(key);
    if (cached != null) {
      return (T) cached;
    }
    T value = compute.get();
    if (entries.size() >= MAX_ENTRIES) {
      // Collateral changes monthly and quotes of one fleet share it, so a full cache means churn
      // from hostile or one-off inputs; starting over is cheaper and simpler than tracking LRU.
      entries.clear();
    }
    entries.put(key, value);
    return value;
  }

  private static ByteString digestOf(List<ByteString> parts) {
    if (parts.size() == 1) {
      return parts.getFirst().sha256();
    }
    byte[] joined = new byte[32 * parts.size()];
    for (int i = 0; i < parts.size(); i++) {
      System.arraycopy(parts.get(i).sha256().toByteArray(), 0, joined, 32 * i, 32);
    }
    return ByteString.of(joined).sha256();
  }

  public int size() {
    return entries.size();
  }
}
