package dev.mse.enclave.tee;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.quote.QuoteParser;
import dev.mse.attestation.quote.TdReport;
import dev.mse.attestation.testing.TestVectors;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hardware backends against directories that imitate Gramine's /dev/attestation and the
 * kernel's configfs-tsm, answering with real quotes.
 */
class HardwareBackendsTest {
  private static final ByteString REPORT_DATA = ByteString.fromHex("5a".repeat(64));

  @Test
  void gramineWritesTheReportDataAndReturnsTheQuote(@TempDir Path dev) throws Exception {
    byte[] realQuote = TestVectors.bytes("sgx/dcap-qvl/sgx_quote");
    Files.writeString(dev.resolve("attestation_type"), "dcap\n");
    Files.write(dev.resolve("user_report_data"), new byte[0]);
    Files.write(dev.resolve("quote"), realQuote);
    Files.createDirectories(dev.resolve("keys"));
    Files.write(dev.resolve("keys/_sgx_mrenclave"), new byte[16]);

    GramineSgxBackend tee = new GramineSgxBackend(dev);

    assertThat(tee.quote(REPORT_DATA)).isEqualTo(realQuote);
    assertThat(Files.readAllBytes(dev.resolve("user_report_data")))
        .isEqualTo(REPORT_DATA.toByteArray());
    assertThat(tee.simulated()).isFalse();
    assertThat(tee.sealingKey()).get().extracting(k -> k.getEncoded().length).isEqualTo(32);
  }

  @Test
  void gramineRefusesAnAttestationTypeOtherThanDcap(@TempDir Path dev) throws Exception {
    Files.writeString(dev.resolve("attestation_type"), "none\n");

    assertThatThrownBy(() -> new GramineSgxBackend(dev))
        .isInstanceOf(TeeException.class)
        .hasMessageContaining("'none'");
  }

  @Test
  void gramineSealingKeysDifferWithTheEnclaveMeasurement(@TempDir Path a, @TempDir Path b)
      throws Exception {
    for (Path dev : new Path[] {a, b}) {
      Files.writeString(dev.resolve("attestation_type"), "dcap");
      Files.createDirectories(dev.resolve("keys"));
    }
    Files.write(a.resolve("keys/_sgx_mrenclave"), new byte[16]);
    byte[] other = new byte[16];
    other[0] = 1;
    Files.write(b.resolve("keys/_sgx_mrenclave"), other);

    assertThat(new GramineSgxBackend(a).sealingKey().orElseThrow())
        .isNotEqualTo(new GramineSgxBackend(b).sealingKey().orElseThrow());
  }

  @Test
  void tsmWritesTheInblobAndReturnsTheOutblob(@TempDir Path reports) throws Exception {
    byte[] realQuote = TestVectors.bytes("tdx/dcap-qvl/tdx_quote");
    Path entry = Files.createDirectories(reports.resolve("mse"));
    Files.writeString(entry.resolve("provider"), "tdx_guest\n");
    Files.writeString(entry.resolve("generation"), "7\n");
    Files.write(entry.resolve("outblob"), realQuote);

    TsmBackend tee = new TsmBackend(reports, "mse");
    byte[] quote = tee.quote(REPORT_DATA);

    assertThat(quote).isEqualTo(realQuote);
    assertThat(QuoteParser.parse(quote).body()).isInstanceOf(TdReport.class);
    assertThat(Files.readAllBytes(entry.resolve("inblob"))).isEqualTo(REPORT_DATA.toByteArray());
    assertThat(tee.provider()).isEqualTo("tdx_guest");
    assertThat(tee.sealingKey()).isEmpty();
  }

  @Test
  void tsmRefusesAnUnknownProvider(@TempDir Path reports) throws Exception {
    Path entry = Files.createDirectories(reports.resolve("mse"));
    Files.writeString(entry.resolve("provider"), "cove_guest\n");

    assertThatThrownBy(() -> new TsmBackend(reports, "mse"))
        .isInstanceOf(TeeException.class)
        .hasMessageContaining("cove_guest");
  }

  @Test
  void tsmWithoutTheKernelsAttributesIsAClearError(@TempDir Path reports) {
    assertThatThrownBy(() -> new TsmBackend(reports, "mse"))
        .isInstanceOf(TeeException.class)
        .hasMessageContaining("provider");
  }
}
