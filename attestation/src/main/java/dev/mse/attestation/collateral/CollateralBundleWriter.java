package dev.mse.attestation.collateral;

import static dev.mse.attestation.collateral.CollateralBundleFormat.FORMAT;
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
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.cert.CRLException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a {@link CollateralBundle} as an {@code mse-dcap-collateral/1} JSON file.
 *
 * <p>The signed documents are written in Intel's PCS response form, {@code
 * {"tcbInfo":<body>,"signature":"<hex>"}}, with the body bytes copied verbatim, so the file
 * verifies exactly like the response it came from and any collateral (including dcap-qvl's) can be
 * saved as a bundle. Certificates and CRLs are written as PEM.
 */
public final class CollateralBundleWriter {
  private static final Base64.Encoder PEM_BASE64 =
      Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

  private CollateralBundleWriter() {}

  /**
   * The bundle file's bytes (UTF-8 JSON).
   *
   * @throws CollateralFormatException if a signed body is not UTF-8 (Intel's always are) or a
   *     certificate or CRL cannot be encoded
   */
  public static ByteString write(CollateralBundle bundle) throws CollateralFormatException {
    Collateral c = bundle.collateral();
    ObjectNode root = CollateralJson.MAPPER.createObjectNode();
    root.put(F_FORMAT, FORMAT);
    root.put(F_FETCHED_AT, bundle.fetchedAt().toString());
    bundle.source().ifPresent(source -> root.put(F_SOURCE, source));
    root.put(F_TCB_INFO, pcsResponse("tcbInfo", c.tcbInfo(), F_TCB_INFO));
    root.put(F_QE_IDENTITY, pcsResponse("enclaveIdentity", c.qeIdentity(), F_QE_IDENTITY));
    root.put(
        F_TCB_INFO_ISSUER_CHAIN, certificates(c.tcbInfoIssuerChain(), F_TCB_INFO_ISSUER_CHAIN));
    root.put(
        F_QE_IDENTITY_ISSUER_CHAIN,
        certificates(c.qeIdentityIssuerChain(), F_QE_IDENTITY_ISSUER_CHAIN));
    root.put(F_PCK_CRL, crl(c.pckCrl(), F_PCK_CRL));
    root.put(F_PCK_CRL_ISSUER_CHAIN, certificates(c.pckCrlIssuerChain(), F_PCK_CRL_ISSUER_CHAIN));
    root.put(F_ROOT_CA_CRL, crl(c.rootCaCrl(), F_ROOT_CA_CRL));
    byte[] json = CollateralJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    ByteArrayOutputStream out = new ByteArrayOutputStream(json.length + 1);
    out.writeBytes(json);
    out.write('\n');
    return ByteString.of(out.toByteArray());
  }

  /** {@code {"<field>":<body>,"signature":"<hex>"}} with the body's bytes unchanged. */
  private static String pcsResponse(String field, SignedJson signed, String what)
      throws CollateralFormatException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(signed.body().size() + 160);
    out.writeBytes(("{\"" + field + "\":").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(signed.body().toByteArray());
    out.writeBytes(
        (",\"signature\":\"" + signed.signature().hex() + "\"}")
            .getBytes(StandardCharsets.US_ASCII));
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(out.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new CollateralFormatException(what + ": the signed body is not UTF-8", e);
    }
  }

  private static String certificates(List<X509Certificate> chain, String what)
      throws CollateralFormatException {
    StringBuilder pem = new StringBuilder();
    for (X509Certificate certificate : chain) {
      try {
        pem.append(pem("CERTIFICATE", certificate.getEncoded()));
      } catch (CertificateEncodingException e) {
        throw new CollateralFormatException(what + ": cannot encode a certificate", e);
      }
    }
    return pem.toString();
  }

  private static String crl(X509CRL crl, String what) throws CollateralFormatException {
    try {
      return pem("X509 CRL", crl.getEncoded());
    } catch (CRLException e) {
      throw new CollateralFormatException(what + ": cannot encode the CRL", e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + PEM_BASE64.encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
