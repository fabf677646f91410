package dev.mse.protocol.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;

/**
 * The cases of a property test, as the arguments of a {@code @ParameterizedTest}: its edge cases
 * first, then random cases up to {@code tries} in all. Random case {@code i} is drawn from a {@link
 * SplittableRandom} of its own, whose seed comes from the property's fixed base seed and is the
 * case's display name: every run tries the same cases, and {@code new SplittableRandom(seed)}
 * regenerates a failing one. Maven's reports name a case by its index ({@code [n]}) instead; as the
 * cases are the same on every run, the index finds it too. {@code -Dmse.properties.seed=<long>}
 * mixes another value into every base seed, to explore further cases (a failure then reproduces
 * with the same value).
 *
 * <p>Each module's test tree has its own copy of this class, so that none depends on another's
 * tests.
 */
public final class PropertyCases {
  private static final long EXPLORE = Long.getLong("mse.properties.seed", 0L);

  /** Where parsers tend to break: nothing, one byte, a few bytes. */
  private static final int SHORT = 16;

  private static final int MEDIUM = 256;

  private PropertyCases() {}

  public static <T> Stream<Named<T>> of(
      long baseSeed, int tries, List<Named<T>> edges, Function<SplittableRandom, T> generator) {
    if (edges.size() > tries) {
      throw new IllegalArgumentException(edges.size() + " edge cases for " + tries + " tries");
    }
    long[] seeds = new SplittableRandom(baseSeed ^ EXPLORE).longs(tries - edges.size()).toArray();
    return Stream.concat(
        edges.stream(),
        Arrays.stream(seeds)
            .mapToObj(
                seed ->
                    Named.of(
                        String.format("seed 0x%016x", seed),
                        generator.apply(new SplittableRandom(seed)))));
  }

  /** An edge case, named for what it is. */
  public static <T> Named<T> edge(String name, T value) {
    return Named.of("edge: " + name, value);
  }

  /**
   * The edge values of {@code [min, max]}: both ends and their neighbours, and the small values
   * around zero it holds.
   */
  public static List<Integer> edgeInts(int min, int max) {
    TreeSet<Long> values = new TreeSet<>();
    for (long v : new long[] {min, min + 1L, min + 2L, max - 2L, max - 1L, max, -2, -1, 0, 1, 2}) {
      if (v >= min && v <= max) {
        values.add(v);
      }
    }
    return values.stream().map(Long::intValue).toList();
  }

  /** Every byte value {@link #edgeInts} gives for the whole byte range. */
  public static List<Byte> edgeBytes() {
    return edgeInts(Byte.MIN_VALUE, Byte.MAX_VALUE).stream().map(Integer::byteValue).toList();
  }

  /**
   * Byte arrays of at most {@code max} bytes at the edges: empty, each edge byte alone, and {@code
   * max} bytes of 0x00 and of 0xff.
   */
  public static List<Named<byte[]>> edgeByteArrays(int max) {
    List<Named<byte[]>> edges = new ArrayList<>();
    edges.add(edge("empty", new byte[0]));
    for (byte b : edgeBytes()) {
      edges.add(edge("one byte " + b, new byte[] {b}));
    }
    byte[] ones = new byte[max];
    Arrays.fill(ones, (byte) 0xff);
    edges.add(edge(max + " bytes of 0x00", new byte[max]));
    edges.add(edge(max + " bytes of 0xff", ones));
    return edges;
  }

  /**
   * A random length in {@code [0, max]}, short, medium or up to {@code max} with equal chances, so
   * small inputs are not drowned by large ones.
   */
  public static int size(SplittableRandom random, int max) {
    int bound =
        switch (random.nextInt(3)) {
          case 0 -> Math.min(max, SHORT);
          case 1 -> Math.min(max, MEDIUM);
          default -> max;
        };
    return random.nextInt(bound + 1);
  }

  /** Random bytes, {@link #size} of them. */
  public static byte[] bytes(SplittableRandom random, int max) {
    return bytesOfLength(random, size(random, max));
  }

  public static byte[] bytesOfLength(SplittableRandom random, int length) {
    byte[] b = new byte[length];
    random.nextBytes(b);
    return b;
  }
}
