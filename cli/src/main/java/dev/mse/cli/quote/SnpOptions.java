package dev.mse.cli.quote;

import dev.mse.attestation.codec.X509Codec;
import dev.mse.attestation.collateral.KdsClient;
import dev.mse.attestation.snp.SnpFormatException;
import dev.mse.attestation.snp.SnpReport;
import dev.mse.attestation.snp.SnpReportParser;
import dev.mse.attestation.snp.SnpTcb;
import dev.mse.attestation.trust.AmdRoots;
import dev.mse.attestation.trust.AmdRoots.Product;
import dev.mse.attestation.verify.SnpEndorsements;
import dev.mse.cli.UserError;
import dev.mse.cli.UserFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Optional;
import picocli.CommandLine.Option;

/** What an SEV-SNP report is verified with: its VCEK or VLEK, and AMD's CRL if one is at hand. */
final class SnpOptions {
  @Option(
      names = "--vcek",
      paramLabel = "FILE",
      description =
          "SEV-SNP: the VCEK or VLEK that signed the report (PEM or DER; the first certificate of a"
              + " PEM bundle)")
  Path vek;

  @Option(
      names = "--crl",
      paramLabel = "FILE",
      description =
          "SEV-SNP: AMD's CRL for the product (KDS .../crl, PEM or DER); without it, revocation is"
              + " not checked and the result says so")
  Path crl;

  @Option(
      names = "--kds",
      paramLabel = "URL",
      description =
          "SEV-SNP: fetch the VCEK and AMD's CRL from AMD's KDS (https://kdsintf.amd.com) or a"
              + " mirror, cached on disk; --vcek and --crl take precedence")
  URI kds;

  boolean given() {
    return vek != null || crl != null || kds != null;
  }

  SnpEndorsements load(byte[] reportBytes, PrintWriter err) {
    if (vek == null && kds == null) {
      throw new UserError(
          "an SEV-SNP report is verified with the VCEK or VLEK that signed it: give --vcek FILE"
              + " or --kds URL");
    }
    if (vek != null && crl != null) {
      return new SnpEndorsements(fileVek(), Optional.of(fileCrl()));
    }
    if (vek != null && kds == null) {
      return new SnpEndorsements(fileVek(), Optional.empty());
    }
    SnpReport report;
    try {
      report = SnpReportParser.parse(reportBytes);
    } catch (SnpFormatException e) {
      throw new UserError("the SEV-SNP report cannot be read: " + e.getMessage(), e);
    }
    boolean vlek = report.signingKey() == SnpReport.SIGNING_KEY_VLEK;
    if (vek == null && vlek) {
      throw new UserError(
          "the report is signed by a VLEK, which AMD's KDS does not serve: give it with --vcek");
    }
    // A given key names its product by its issuer; otherwise the report's CPUID does.
    Optional<X509Certificate> given = vek != null ? Optional.of(fileVek()) : Optional.empty();
    Product product =
        given.flatMap(k -> AmdRoots.issuerOf(k, vlek)).orElseGet(() -> KdsProducts.of(report));
    try (KdsClient client =
        KdsClient.builder(CollateralOptions.sharedCache())
            .baseUrl(kds)
            .staleListener(CollateralOptions.staleWarning(err))
            .build()) {
      X509Certificate key =
          given.isPresent()
              ? given.get()
              : client.vcek(
                  product,
                  report.chipId(),
                  SnpTcb.decode(report.reportedTcb(), product == Product.TURIN));
      return new SnpEndorsements(
          key, crl != null ? Optional.of(fileCrl()) : kdsCrl(client, product, err));
    } catch (IOException e) {
      throw new UserError("cannot fetch from " + kds + ": " + e.getMessage(), e);
    }
  }

  /**
   * Without AMD's CRL the report is still verified; the result then says revocation was not
   * checked.
   */
  private Optional<X509CRL> kdsCrl(KdsClient client, Product product, PrintWriter err) {
    try {
      return Optional.of(client.crl(product));
    } catch (IOException e) {
      err.println(
          "mse: warning: no CRL from " + kds + " (" + e.getMessage() + "): revocation not checked");
      return Optional.empty();
    }
  }

  private X509Certificate fileVek() {
    try {
      return X509Codec.certificates(UserFiles.read(vek, "VCEK file")).getFirst();
    } catch (CertificateException e) {
      throw new UserError(vek + " is not a certificate: " + e.getMessage(), e);
    }
  }

  private X509CRL fileCrl() {
    try {
      return X509Codec.crl(UserFiles.read(crl, "CRL file"));
    } catch (CRLException e) {
      throw new UserError(crl + " is not a CRL: " + e.getMessage(), e);
    }
  }
}
