package dev.mse.cli.quote;

import dev.mse.attestation.codec.X509Codec;
import dev.mse.attestation.verify.SnpEndorsements;
import dev.mse.cli.UserError;
import dev.mse.cli.UserFiles;
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

  boolean given() {
    return vek != null || crl != null;
  }

  SnpEndorsements load() {
    if (vek == null) {
      throw new UserError(
          "an SEV-SNP report is verified with the VCEK or VLEK that signed it: give --vcek FILE"
              + " (AMD KDS serves it by chip id and reported TCB)");
    }
    X509Certificate cert;
    try {
      cert = X509Codec.certificates(UserFiles.read(vek, "VCEK file")).getFirst();
    } catch (CertificateException e) {
      throw new UserError(vek + " is not a certificate: " + e.getMessage(), e);
    }
    Optional<X509CRL> revocations = Optional.empty();
    if (crl != null) {
      try {
        revocations = Optional.of(X509Codec.crl(UserFiles.read(crl, "CRL file")));
      } catch (CRLException e) {
        throw new UserError(crl + " is not a CRL: " + e.getMessage(), e);
      }
    }
    return new SnpEndorsements(cert, revocations);
  }
}
