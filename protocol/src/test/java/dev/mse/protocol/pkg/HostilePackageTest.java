package dev.mse.protocol.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mse.attestation.codec.ByteString;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Finding 9 of issue 12: a package whose tar has a 200 MB pax header ran the operator out of
 * memory, and a 20 MiB entry name came back in the error. Each hostile package here is refused at
 * its first header with a short message, after the reader took at most a few blocks of the stream.
 */
class HostilePackageTest {
  /** What a reader may take before it refuses the first entry: its header, with room to spare. */
  private static final long FEW_BLOCKS = 4 * 512;

  private static final long MAX_CODE = 256L << 20;

  @Test
  void aPaxHeaderOf200MegabytesIsRefusedAtItsHeader() throws Exception {
    HostileTar tar = HostileTar.paxHeader(200_000_000L);

    AppPackageException e = refusedWhenStreamed(tar);

    assertThat(e).hasMessageContaining("pax extended header");
    assertThat(tar.served()).isLessThanOrEqualTo(FEW_BLOCKS);
  }

  @Test
  void aTwentyMebibyteNameIsRefusedAndNotEchoed() throws Exception {
    HostileTar tar = HostileTar.gnuLongName(20L << 20);

    AppPackageException e = refusedWhenStreamed(tar);

    assertThat(e).hasMessageContaining("GNU long name");
    assertThat(e.getMessage()).doesNotContain("nnnnnnnn");
    assertThat(tar.served()).isLessThanOrEqualTo(FEW_BLOCKS);
  }

  @Test
  void aManifestClaimingAHundredMegabytesIsRefusedAtItsHeader() throws Exception {
    HostileTar tar =
        HostileTar.entry(AppPackage.MANIFEST_ENTRY, TarConstants.LF_NORMAL, 100_000_000L);

    AppPackageException e = refusedWhenStreamed(tar);

    assertThat(e).hasMessageContaining("manifest.json is 100000000 bytes, more than the 65536");
    assertThat(tar.served()).isLessThanOrEqualTo(FEW_BLOCKS);
  }

  @Test
  void encryptedCodeOverTheLimitIsRefusedAtItsHeader() throws Exception {
    AppPackage sample = sample();
    byte[] file = sample.toBytes();
    // the operator allows less than this package's code: refused without reading the code
    AppPackageException e =
        catchThrowableOfType(
            AppPackageException.class, () -> AppPackage.check(new ByteArrayInputStream(file), 10));
    assertThat(e).hasMessageContaining("code.enc is").hasMessageContaining("more than the 10");
    assertThat(AppPackage.check(new ByteArrayInputStream(file), MAX_CODE))
        .isEqualTo(sample.manifest());
  }

  static Stream<Arguments> entriesThatAreNotRegularFiles() {
    return Stream.of(
        Arguments.of(TarConstants.LF_SYMLINK, "a symbolic link"),
        Arguments.of(TarConstants.LF_LINK, "a hard link"),
        Arguments.of(TarConstants.LF_CHR, "a character device"),
        Arguments.of(TarConstants.LF_BLK, "a block device"),
        Arguments.of(TarConstants.LF_DIR, "a directory"),
        Arguments.of(TarConstants.LF_FIFO, "a FIFO"),
        Arguments.of(TarConstants.LF_PAX_GLOBAL_EXTENDED_HEADER, "a pax global header"),
        Arguments.of(TarConstants.LF_GNUTYPE_SPARSE, "a GNU sparse file"));
  }

  @ParameterizedTest
  @MethodSource("entriesThatAreNotRegularFiles")
  void aFirstEntryThatIsNotARegularFileIsRefused(byte type, String described) throws Exception {
    byte[] file = HostileTar.tarOf(AppPackage.MANIFEST_ENTRY, type, new byte[0]);

    AppPackageException read =
        catchThrowableOfType(AppPackageException.class, () -> AppPackage.read(file));
    AppPackageException streamed =
        catchThrowableOfType(
            AppPackageException.class,
            () -> AppPackage.check(new ByteArrayInputStream(file), MAX_CODE));

    for (AppPackageException e : new AppPackageException[] {read, streamed}) {
      assertThat(e)
          .hasMessage("expected the regular file manifest.json in the package, found " + described);
    }
  }

  @Test
  void anotherNameIsShownAsAShortEscapedExcerpt() throws Exception {
    // 99 bytes: the longest name a plain header holds, with a terminal escape and a bidi override
    String name = "\u001b[2J\u202e" + "x".repeat(92);
    byte[] file =
        HostileTar.tarOf(name, TarConstants.LF_NORMAL, "{}".getBytes(StandardCharsets.UTF_8));

    AppPackageException e =
        catchThrowableOfType(AppPackageException.class, () -> AppPackage.read(file));

    assertThat(e.getMessage())
        .startsWith("expected the regular file manifest.json in the package, found '\\u001b[2J")
        .contains("\\u202e")
        .doesNotContain("\u001b")
        .doesNotContain("\u202e")
        .endsWith("'…")
        .hasSizeLessThan(150);
  }

  @Test
  void dataAfterTheCodeIsRefused() throws Exception {
    byte[] file = sample().toBytes();
    // a third entry where the end-of-archive blocks start
    int end = endOfEntries(file);
    byte[] third = HostileTar.header("extra", TarConstants.LF_NORMAL, 0);
    byte[] withThird = file.clone();
    System.arraycopy(third, 0, withThird, end, third.length);

    AppPackageException e =
        catchThrowableOfType(AppPackageException.class, () -> AppPackage.read(withThird));

    assertThat(e).hasMessage("the package holds more than manifest.json and code.enc");
  }

  @Test
  void aBrokenHeaderChecksumIsRefused() {
    byte[] file = sample().toBytes();
    file[0] = 'M'; // "Manifest.json": the checksum no longer matches
    AppPackageException e =
        catchThrowableOfType(AppPackageException.class, () -> AppPackage.read(file));
    assertThat(e).hasMessageContaining("checksum");
  }

  private static AppPackageException refusedWhenStreamed(HostileTar tar) {
    AppPackageException e =
        catchThrowableOfType(AppPackageException.class, () -> AppPackage.check(tar, MAX_CODE));
    assertThat(e).isNotNull();
    assertThat(e.getMessage()).hasSizeLessThan(150);
    return e;
  }

  /** Where the first all-zero header block after the two entries starts. */
  private static int endOfEntries(byte[] file) {
    for (int at = 512; at < file.length; at += 512) {
      boolean zero = true;
      for (int i = at; i < at + 512; i++) {
        zero &= file[i] == 0;
      }
      // the code is ciphertext: no block of it is all zeros
      if (zero) {
        return at;
      }
    }
    throw new AssertionError("no end-of-archive block");
  }

  private static AppPackage sample() {
    return AppPackage.create(
        "hello",
        "com.example.Main",
        Optional.empty(),
        "/health",
        "code".getBytes(StandardCharsets.UTF_8),
        PackageKey.generate(),
        ByteString.of(new byte[32]));
  }
}
