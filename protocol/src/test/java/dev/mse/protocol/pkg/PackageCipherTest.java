package dev.mse.protocol.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.attestation.codec.ByteString;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PackageCipherTest {
  private static final int SEG = PackageCipher.SEGMENT_SIZE;
  private static final int CT_SEG = SEG + 16;
  private static final int HEADER = 37;
  private static final PackageKey KEY = PackageKey.of(new byte[32]);
  private static final byte[] AD = "manifest".getBytes(StandardCharsets.UTF_8);
  private static final ByteString SALT = ByteString.of(filled(32, 7));

  private static byte[] filled(int n, int seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, SEG - 1, SEG, SEG + 1, 3 * SEG + SEG / 2})
  void roundTrips(int size) throws Exception {
    byte[] plain = filled(size, size);
    byte[] ct = PackageCipher.encrypt(plain, KEY, AD);
    int segments = Math.max(1, (size + SEG - 1) / SEG);
    assertThat(ct).hasSize(HEADER + size + 16 * segments);
    assertThat(PackageCipher.decrypt(ct, KEY, AD)).isEqualTo(plain);
  }

  @Test
  void streamingRoundTripWithOddWrites() throws Exception {
    byte[] plain = filled(2 * SEG + 12345, 1);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream enc = PackageCipher.encrypt(sink, KEY, AD, SALT)) {
      int i = 0;
      Random r = new Random(3);
      while (i < plain.length) {
        int n = Math.min(plain.length - i, r.nextInt(70_000));
        if (n == 1) {
          enc.write(plain[i]);
        } else {
          enc.write(plain, i, n);
        }
        i += n;
      }
    }
    assertThat(sink.toByteArray()).isEqualTo(PackageCipher.encrypt(plain, KEY, AD, SALT));
    try (InputStream dec =
        PackageCipher.decrypt(new ByteArrayInputStream(sink.toByteArray()), KEY, AD)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[4097];
      int n;
      while ((n = dec.read(buf)) >= 0) {
        out.write(buf, 0, n);
      }
      assertThat(out.toByteArray()).isEqualTo(plain);
    }
  }

  @Test
  void deterministicForAGivenSaltAndRandomOtherwise() {
    byte[] plain = filled(1000, 2);
    assertThat(PackageCipher.encrypt(plain, KEY, AD, SALT))
        .isEqualTo(PackageCipher.encrypt(plain, KEY, AD, SALT));
    assertThat(PackageCipher.encrypt(plain, KEY, AD))
        .isNotEqualTo(PackageCipher.encrypt(plain, KEY, AD));
  }

  @Test
  void headerLayout() throws Exception {
    byte[] ct = PackageCipher.encrypt(new byte[0], KEY, AD, SALT);
    assertThat(Arrays.copyOf(ct, 5)).isEqualTo(new byte[] {'M', 'S', 'E', 'P', 1});
    assertThat(PackageCipher.salt(ct)).isEqualTo(SALT);
  }

  @Test
  void wrongKeyOrAssociatedDataFails() {
    byte[] ct = PackageCipher.encrypt(filled(100, 1), KEY, AD);
    assertThatThrownBy(() -> PackageCipher.decrypt(ct, PackageKey.generate(), AD))
        .isInstanceOf(PackageIntegrityException.class);
    assertThatThrownBy(
            () -> PackageCipher.decrypt(ct, KEY, "other".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(PackageIntegrityException.class);
  }

  @Test
  void everyHeaderByteFlipIsDetected() {
    byte[] ct = PackageCipher.encrypt(filled(100, 1), KEY, AD);
    for (int i = 0; i < HEADER; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] bad = ct.clone();
        bad[i] ^= (byte) (1 << bit);
        assertThatThrownBy(() -> PackageCipher.decrypt(bad, KEY, AD))
            .as("byte %d bit %d", i, bit)
            .isInstanceOf(PackageIntegrityException.class);
      }
    }
  }

  @Test
  void everyByteFlipOfASmallPackageIsDetected() {
    byte[] ct = PackageCipher.encrypt(filled(300, 1), KEY, AD);
    for (int i = 0; i < ct.length; i++) {
      byte[] bad = ct.clone();
      bad[i] ^= 0x01;
      assertThatThrownBy(() -> PackageCipher.decrypt(bad, KEY, AD))
          .as("byte %d", i)
          .isInstanceOf(PackageIntegrityException.class);
    }
  }

  @Test
  void everyByteFlipInAFullSegmentIsDetected() {
    byte[] ct = PackageCipher.encrypt(filled(SEG + 10, 1), KEY, AD);
    // a full segment is 1 MiB: every 997th byte of it, plus every byte of its first and last 64
    // (start of data, tag) and every byte of the short last segment
    java.util.SortedSet<Integer> positions = new java.util.TreeSet<>();
    for (int i = HEADER; i < HEADER + CT_SEG; i += 997) {
      positions.add(i);
    }
    for (int i = 0; i < 64; i++) {
      positions.add(HEADER + i);
      positions.add(HEADER + CT_SEG - 1 - i);
    }
    for (int i = HEADER + CT_SEG; i < ct.length; i++) {
      positions.add(i);
    }
    for (int i : positions) {
      byte[] bad = ct.clone();
      bad[i] ^= (byte) 0x80;
      assertThatThrownBy(() -> PackageCipher.decrypt(bad, KEY, AD))
          .isInstanceOf(PackageIntegrityException.class);
    }
  }

  @Test
  void truncationAtSegmentBoundariesAndInsideIsDetected() {
    byte[] ct = PackageCipher.encrypt(filled(3 * SEG + 5, 1), KEY, AD);
    int[] cuts = {
      0,
      5,
      HEADER,
      HEADER + 15,
      HEADER + CT_SEG,
      HEADER + 2 * CT_SEG,
      HEADER + 3 * CT_SEG,
      HEADER + 3 * CT_SEG + 1,
      ct.length - 1
    };
    for (int cut : cuts) {
      byte[] bad = Arrays.copyOf(ct, cut);
      assertThatThrownBy(() -> PackageCipher.decrypt(bad, KEY, AD))
          .as("cut at %d", cut)
          .isInstanceOf(PackageIntegrityException.class);
    }
  }

  @Test
  void truncationOfAnExactMultipleIsDetected() {
    byte[] ct = PackageCipher.encrypt(filled(2 * SEG, 1), KEY, AD);
    assertThat(ct).hasSize(HEADER + 2 * CT_SEG);
    byte[] bad = Arrays.copyOf(ct, HEADER + CT_SEG);
    assertThatThrownBy(() -> PackageCipher.decrypt(bad, KEY, AD))
        .isInstanceOf(PackageIntegrityException.class);
  }

  @Test
  void reorderedSwappedAndDuplicatedSegmentsAreDetected() {
    byte[] ct = PackageCipher.encrypt(filled(3 * SEG, 1), KEY, AD);
    byte[] s0 = Arrays.copyOfRange(ct, HEADER, HEADER + CT_SEG);
    byte[] s1 = Arrays.copyOfRange(ct, HEADER + CT_SEG, HEADER + 2 * CT_SEG);
    byte[] s2 = Arrays.copyOfRange(ct, HEADER + 2 * CT_SEG, ct.length);
    byte[] header = Arrays.copyOf(ct, HEADER);
    for (byte[][] order :
        new byte[][][] {{s1, s0, s2}, {s0, s2, s1}, {s0, s0, s2}, {s0, s1, s1}, {s0, s2}, {s2}}) {
      ByteArrayOutputStream bad = new ByteArrayOutputStream();
      bad.writeBytes(header);
      for (byte[] s : order) {
        bad.writeBytes(s);
      }
      assertThatThrownBy(() -> PackageCipher.decrypt(bad.toByteArray(), KEY, AD))
          .isInstanceOf(PackageIntegrityException.class);
    }
  }

  @Test
  void segmentsFromAnotherPackageWithTheSameKeyDoNotFit() {
    byte[] a = PackageCipher.encrypt(filled(2 * SEG, 1), KEY, AD);
    byte[] b = PackageCipher.encrypt(filled(2 * SEG, 2), KEY, AD);
    byte[] mixed = a.clone();
    System.arraycopy(b, HEADER, mixed, HEADER, CT_SEG);
    assertThatThrownBy(() -> PackageCipher.decrypt(mixed, KEY, AD))
        .isInstanceOf(PackageIntegrityException.class);
  }

  @Test
  void trailingBytesAreDetected() {
    byte[] ct = PackageCipher.encrypt(filled(10, 1), KEY, AD);
    byte[] longer = Arrays.copyOf(ct, ct.length + 1);
    assertThatThrownBy(() -> PackageCipher.decrypt(longer, KEY, AD))
        .isInstanceOf(PackageIntegrityException.class);
  }

  @Test
  void streamReleasesOnlyAuthenticatedSegmentsAndNeverACleanEndAfterFailure() throws IOException {
    byte[] plain = filled(2 * SEG + 100, 1);
    byte[] ct = PackageCipher.encrypt(plain, KEY, AD);
    byte[] bad = ct.clone();
    bad[bad.length - 1] ^= 1; // last segment's tag
    try (InputStream in = PackageCipher.decrypt(new ByteArrayInputStream(bad), KEY, AD)) {
      byte[] first = in.readNBytes(2 * SEG);
      assertThat(first).isEqualTo(Arrays.copyOf(plain, 2 * SEG));
      assertThatThrownBy(in::read).isInstanceOf(PackageIntegrityException.class);
      assertThatThrownBy(in::read).isInstanceOf(PackageIntegrityException.class);
    }
  }

  @Test
  void keyIsRedacted() {
    assertThat(KEY.toString()).doesNotContain("00");
    assertThatThrownBy(() -> PackageKey.of(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(PackageKey.fromHex(KEY.toHex())).isEqualTo(KEY);
  }
}
