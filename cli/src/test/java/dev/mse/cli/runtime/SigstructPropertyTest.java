package dev.mse.cli.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.operator.testing.SigstructWriter;
import dev.mse.protocol.runtime.Sigstruct;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The SIGSTRUCT parser on untrusted bytes: a valid structure parses to what was written; every
 * single-byte change of a signed or checked field, every truncation and random bytes are refused
 * with a {@link Sigstruct.SigstructException}, nothing else.
 */
class SigstructPropertyTest {
  private static final KeyPair KEY = SigstructWriter.newSignerKey();
  private static final byte[] GOOD =
      SigstructWriter.write(KEY, HexFormat.of().parseHex("11".repeat(32)), 7, 9);

  @Test
  void aValidStructureParsesToWhatWasWritten() throws Exception {
    Sigstruct s = Sigstruct.parse(GOOD);
    assertThat(s.mrEnclave().hex()).isEqualTo("11".repeat(32));
    assertThat(s.isvProdId()).isEqualTo(7);
    assertThat(s.isvSvn()).isEqualTo(9);
  }

  @Test
  void singleByteChangesOfCheckedFieldsAreRefused() {
    SplittableRandom random = new SplittableRandom(1808);
    for (int i = 0; i < 300; i++) {
      int offset = checkedOffset(random);
      byte[] bad = GOOD.clone();
      bad[offset] ^= (byte) (1 + random.nextInt(255));
      assertThatThrownBy(() -> Sigstruct.parse(bad))
          .as("byte %d changed", offset)
          .isInstanceOf(Sigstruct.SigstructException.class);
    }
  }

  /** Any offset but the 12 reserved bytes at 1028, which the signature does not cover. */
  private static int checkedOffset(SplittableRandom random) {
    while (true) {
      int o = random.nextInt(Sigstruct.SIZE);
      if (o < 1028 || o >= 1040) {
        return o;
      }
    }
  }

  @Test
  void truncationsAndRandomBytesAreRefused() {
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 200; i++) {
      byte[] data =
          i % 2 == 0
              ? java.util.Arrays.copyOf(GOOD, random.nextInt(Sigstruct.SIZE))
              : randomBytes(random, i % 4 == 1 ? Sigstruct.SIZE : random.nextInt(4000));
      assertThatThrownBy(() -> Sigstruct.parse(data))
          .isInstanceOf(Sigstruct.SigstructException.class);
    }
  }

  private static byte[] randomBytes(SplittableRandom random, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) random.nextInt(256);
    }
    if (n == Sigstruct.SIZE) {
      // with the headers right, so that the checks beyond them run too
      System.arraycopy(GOOD, 0, b, 0, 16);
      System.arraycopy(GOOD, 24, b, 24, 16);
      b[512] = 3;
      b[513] = 0;
      b[514] = 0;
      b[515] = 0;
    }
    return b;
  }

  /** Keeps a valid structure as the seed of the protocol module's Jazzer target. */
  @Test
  void theFuzzSeedIsAValidStructure() throws Exception {
    Path seed =
        Path.of(
            "..",
            "protocol",
            "src",
            "test",
            "resources",
            "dev",
            "mse",
            "protocol",
            "fuzz",
            "ProtocolFuzzTestInputs",
            "sigstruct",
            "valid.sig");
    assertThat(seed).isRegularFile();
    Sigstruct.parse(Files.readAllBytes(seed));
  }
}
