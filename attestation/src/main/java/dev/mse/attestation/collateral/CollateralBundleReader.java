package dev.mse.attestation.collateral;

import static dev.mse.attestation.collateral.CollateralBundleFormat.FORMAT;
import static dev.mse.attestation.collateral.CollateralBundleFormat.FORMAT_PREFIX;
import static dev.mse.attestation.collateral.CollateralBundleFormat.F_FETCHED_AT;
import static dev.mse.attestation.collateral.CollateralBundleFormat.F_FORMAT;
import static dev.mse.attestation.collateral.CollateralBundleFormat.F_PCK_CRL;
import static dev.mse.attestation.collateral.CollateralBundleFormat.F_PCK_CRL_ISSUER_CHAIN;
import static dev.mse.attestation.collateral.CollateralBundleFormat.F_QE_IDENTITY;
import static dev.mse.attestation.collateral.CollateralBundleFormat.F_QE_IDENTITY_ISSUER_CHAIN;
import static dev.mse.attestation.collateral.CollateralBundleFormat.F_ROOT_CA_CRL;
import static dev.mse.attestation.collateral.CollateralBundleFormat.F_SOURCE;
import static dev.mse.attestation.collateral.CollateralBundleFormat.F_TCB_INFO;
import static dev.mse.attestation.collateral.CollateralBundleFormat.F_TCB_INFO_ISSUER_CHAIN;

import dev.mse.attestation.codec.ByteString;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Reads an {@code mse-dcap-collateral/1} bundle file (see {@code docs/collateral-bundle.md}). The
 * format is strict where it is ours to define: PEM for certificates and CRLs, the exact PCS
 * response text for the signed documents, a known {@code format} string. Unknown fields are ignored
 * so that later minor additions stay readable.
 */
public final class CollateralBundleReader {
  private CollateralBundleReader() {}

  public static CollateralBundle read(ByteString json) throws CollateralFormatException {
    return read(CollateralJson.readObject(json, "bundle"));
  }

  static CollateralBundle read(JsonFields root) throws CollateralFormatException {
    String format = root.string(F_FORMAT);
    if (!format.equals(FORMAT)) {
      throw new CollateralFormatException(
          root.path(F_FORMAT)
              + ": "
              + (format.startsWith(FORMAT_PREFIX) ? "unsupported version " : "unknown format ")
              + JsonFields.excerpt(format)
              + " (this mse reads "
              + FORMAT
              + ")");
    }
    SignedJson tcbInfo = PcsResponseReader.tcbInfo(bytes(root, F_TCB_INFO));
    TcbInfoParser.parse(tcbInfo.body());
    SignedJson qeIdentity = PcsResponseReader.enclaveIdentity(bytes(root, F_QE_IDENTITY));
    QeIdentityParser.parse(qeIdentity.body());
    List<X509Certificate> pckCrlIssuerChain = List.of();
    if (root.has(F_PCK_CRL_ISSUER_CHAIN) && !root.string(F_PCK_CRL_ISSUER_CHAIN).isBlank()) {
      pckCrlIssuerChain = chain(root, F_PCK_CRL_ISSUER_CHAIN);
    }
    Collateral collateral =
        new Collateral(
            pckCrlIssuerChain,
            crl(root, F_ROOT_CA_CRL),
            crl(root, F_PCK_CRL),
            chain(root, F_TCB_INFO_ISSUER_CHAIN),
            tcbInfo,
            chain(root, F_QE_IDENTITY_ISSUER_CHAIN),
            qeIdentity);
    return new CollateralBundle(
        collateral, root.instant(F_FETCHED_AT), root.optionalString(F_SOURCE));
  }

  private static ByteString bytes(JsonFields root, String name) throws CollateralFormatException {
    return ByteString.of(root.string(name).getBytes(StandardCharsets.UTF_8));
  }

  private static List<X509Certificate> chain(JsonFields root, String name)
      throws CollateralFormatException {
    return CertificateChainReader.read(pem(root, name), root.path(name));
  }

  private static X509CRL crl(JsonFields root, String name) throws CollateralFormatException {
    return CrlReader.der(pem(root, name), root.path(name));
  }

  private static ByteString pem(JsonFields root, String name) throws CollateralFormatException {
    String text = root.string(name);
    if (!text.strip().startsWith("-----BEGIN ")) {
      throw new CollateralFormatException(root.path(name) + ": expected PEM");
    }
    return ByteString.of(text.getBytes(StandardCharsets.UTF_8));
  }
}
