package dev.mse.operator.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class ClientHelloProperties {
  private final ClientHelloParser parser = ClientHelloParser.standard();

  /** A generated hello: its name, the records, and how a network might chop them. */
  @SuppressWarnings("ArrayRecordComponent") // test data, never compared as a record
  record Generated(String name, byte[] records, int chunk) {}

  @Provide
  Arbitrary<String> hostNames() {
    Arbitrary<String> label =
        Combinators.combine(
                Arbitraries.strings().withChars("abcXYZ019").ofMinLength(1).ofMaxLength(1),
                Arbitraries.strings()
                    .withChars("abcdefghijklmnopqrstuvwxyzABCQ0123456789-")
                    .ofMaxLength(61),
                Arbitraries.strings().withChars("kLm89").ofMinLength(1).ofMaxLength(1))
            .as((a, b, c) -> a + b + c)
            .filter(l -> l.length() <= 63);
    return label.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join(".", l));
  }

  @Provide
  Arbitrary<Generated> hellos() {
    Arbitrary<Set<Integer>> types = Arbitraries.integers().between(1, 65_535).set().ofMaxSize(6);
    Arbitrary<Integer> sizes = Arbitraries.integers().between(0, 900);
    return Combinators.combine(
            hostNames(),
            types,
            sizes,
            Arbitraries.integers().between(0, 32),
            Arbitraries.integers().between(1, 3000),
            Arbitraries.integers().between(1, 4096),
            Arbitraries.of(true, false))
        .as(
            (name, extensionTypes, size, session, fragment, chunk, trailingDot) -> {
              HelloBuilder b = HelloBuilder.hello().sessionIdLength(session);
              b.serverName(trailingDot ? name + "." : name);
              int i = 0;
              for (int type : extensionTypes) {
                b.extension(type, (size * (i + 1)) % 901);
                i++;
              }
              byte[] handshake = b.handshake();
              int minFragment = handshake.length / (ClientHelloParser.MAX_RECORDS - 1) + 1;
              int records = Math.max(minFragment, Math.min(fragment, 1 << 14));
              return new Generated(name, HelloBuilder.records(handshake, records), chunk);
            });
  }

  @Property(tries = 300)
  void roundTrip(@ForAll("hellos") Generated g) throws Exception {
    ClientHello fromBytes = parser.parse(g.records());
    ClientHello fromStream =
        parser.read(new ClientHelloParserTest.TrickleInputStream(g.records(), g.chunk()));

    assertThat(fromBytes.serverName()).contains(g.name().toLowerCase(Locale.ROOT));
    assertThat(fromBytes.raw()).isEqualTo(g.records());
    assertThat(fromStream).isEqualTo(fromBytes);
  }

  @Property(tries = 300)
  void everyTruncationIsAFormatError(
      @ForAll("hellos") Generated g, @ForAll @IntRange(min = 0, max = 100_000) int cut) {
    byte[] truncated = Arrays.copyOf(g.records(), cut % g.records().length);
    assertThatThrownBy(() -> parser.parse(truncated))
        .isInstanceOf(ClientHelloFormatException.class);
    assertThatThrownBy(() -> parser.read(new ByteArrayInputStream(truncated)))
        .isInstanceOf(ClientHelloFormatException.class);
  }

  @Property(tries = 1000)
  void corruptionYieldsAHelloOrTheTypedException(
      @ForAll("hellos") Generated g,
      @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = 1_000_000) Integer> positions,
      @ForAll @Size(min = 8, max = 8) List<@IntRange(min = 1, max = 255) Integer> xors) {
    byte[] corrupt = g.records().clone();
    for (int i = 0; i < positions.size(); i++) {
      corrupt[positions.get(i) % corrupt.length] ^= (byte) xors.get(i).intValue();
    }
    assertHelloOrTyped(corrupt);
  }

  @Property(tries = 1000)
  void arbitraryBytesYieldTheTypedException(@ForAll @Size(max = 2000) byte[] bytes) {
    assertHelloOrTyped(bytes);
  }

  private void assertHelloOrTyped(byte[] bytes) {
    try {
      ClientHello hello = parser.parse(bytes);
      assertThat(hello.raw()).isEqualTo(bytes);
    } catch (ClientHelloFormatException expected) {
      // the documented outcome
    }
    try {
      parser.read(new ByteArrayInputStream(bytes));
    } catch (ClientHelloFormatException expected) {
      // the documented outcome
    } catch (java.io.IOException e) {
      throw new AssertionError("an array stream does not fail", e);
    }
  }
}
