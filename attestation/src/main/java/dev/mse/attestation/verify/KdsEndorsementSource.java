package dev.mse.attestation.verify;

import dev.mse.attestation.collateral.CollateralCache;
import dev.mse.attestation.collateral.KdsClient;
import dev.mse.attestation.snp.SnpReport;
import dev.mse.attestation.snp.SnpTcb;
import dev.mse.attestation.trust.AmdRoots.Product;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * The VCEK of a report's chip at its reported TCB, and AMD's CRL for the product, from a KDS
 * through the on-disk cache. The KDS is {@code -Dmse.kds.url}, else {@code $MSE_KDS_URL}, else
 * AMD's; the cache is {@code -Dmse.kds.cache}, else {@code ~/.cache/mse/kds}. Without a CRL the
 * report is still verified, and the appraisal says revocation was not checked.
 */
public final class KdsEndorsementSource implements SnpEndorsementSource {
  private final URI baseUrl;
  private final Path cacheDirectory;

  public KdsEndorsementSource(URI baseUrl, Path cacheDirectory) {
    this.baseUrl = baseUrl;
    this.cacheDirectory = cacheDirectory;
  }

  /** The KDS and cache the system properties or the environment name, else AMD's. */
  public static KdsEndorsementSource fromEnvironment() {
    String url =
        Optional.ofNullable(System.getProperty("mse.kds.url"))
            .or(() -> Optional.ofNullable(System.getenv("MSE_KDS_URL")))
            .filter(u -> !u.isBlank())
            .orElse(KdsClient.AMD_KDS.toString());
    String cache =
        Optional.ofNullable(System.getProperty("mse.kds.cache"))
            .orElse(Path.of(System.getProperty("user.home"), ".cache", "mse", "kds").toString());
    return new KdsEndorsementSource(URI.create(url), Path.of(cache));
  }

  public URI baseUrl() {
    return baseUrl;
  }

  @Override
  public SnpEndorsements forReport(SnpReport report) throws IOException {
    if (report.signingKey() != SnpReport.SIGNING_KEY_VCEK) {
      throw new IOException("the report is not signed by a VCEK, which a KDS serves");
    }
    Product product =
        productOf(report)
            .orElseThrow(
                () ->
                    new IOException(
                        String.format(
                            "the report's CPU (family 0x%02x, model 0x%02x) is not Milan, Genoa"
                                + " or Turin",
                            report.cpuid().family(), report.cpuid().model())));
    try (KdsClient kds =
        KdsClient.builder(new CollateralCache(cacheDirectory, Clock.systemUTC()))
            .baseUrl(baseUrl)
            .build()) {
      var vcek =
          kds.vcek(
              product,
              report.chipId(),
              SnpTcb.decode(report.reportedTcb(), product == Product.TURIN));
      Optional<java.security.cert.X509CRL> crl;
      try {
        crl = Optional.of(kds.crl(product));
      } catch (IOException e) {
        crl = Optional.empty();
      }
      return new SnpEndorsements(vcek, crl);
    }
  }

  /**
   * Which product to ask for: only a choice of URL, since whatever comes back is checked against
   * the pinned roots. Version 3 reports carry the CPUID (family 0x19 models 0x00-0x0F Milan,
   * 0x10-0x1F and 0xA0-0xAF Genoa; family 0x1A Turin); version 2 reports are asked as Milan.
   */
  static Optional<Product> productOf(SnpReport report) {
    if (report.version() < 3) {
      return Optional.of(Product.MILAN);
    }
    int family = report.cpuid().family();
    int model = report.cpuid().model();
    if (family == 0x19 && model <= 0x0f) {
      return Optional.of(Product.MILAN);
    }
    if (family == 0x19 && (model <= 0x1f || (model >= 0xa0 && model <= 0xaf))) {
      return Optional.of(Product.GENOA);
    }
    return family == 0x1a ? Optional.of(Product.TURIN) : Optional.empty();
  }
}
