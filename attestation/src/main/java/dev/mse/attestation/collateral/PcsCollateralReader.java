package dev.mse.attestation.collateral;

import dev.mse.attestation.codec.ByteString;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Assembles collateral from Intel PCS responses saved one per file: the {@code /tcb} and {@code
 * /qe/identity} response bodies, the PCK CRL and the root CA CRL (PEM, DER or hex), and the issuer
 * chains, which PCS sends in HTTP headers and a saved body therefore lacks.
 *
 * <p>The TCB Info and QE identity chains are the Intel SGX TCB Signing certificate and the root;
 * when a user has none, the caller passes {@link IntelPcsDefaults#tcbSigningChain()}. The PCK CRL
 * issuer chain (the Platform or Processor CA and the root) may be empty: the same CA certificate is
 * in the quote's PCK chain, and the verifier takes it from there.
 */
public final class PcsCollateralReader {
  private PcsCollateralReader() {}

  /**
   * Collateral from the separate parts; the signed documents are parsed to reject a wrong file
   * early.
   *
   * @param tcbInfoResponse the body of a PCS {@code /tcb} response
   * @param qeIdentityResponse the body of a PCS {@code /qe/identity} response
   * @param pckCrl the PCK CRL, PEM, DER or hex of DER
   * @param rootCaCrl the Intel SGX Root CA CRL, PEM, DER or hex of DER
   * @param pckCrlIssuerChain may be empty (see the class comment)
   * @param tcbInfoIssuerChain the TCB Signing certificate and the root
   * @param qeIdentityIssuerChain the TCB Signing certificate and the root
   */
  public static Collateral read(
      ByteString tcbInfoResponse,
      ByteString qeIdentityResponse,
      ByteString pckCrl,
      ByteString rootCaCrl,
      List<X509Certificate> pckCrlIssuerChain,
      List<X509Certificate> tcbInfoIssuerChain,
      List<X509Certificate> qeIdentityIssuerChain)
      throws CollateralFormatException {
    SignedJson tcbInfo = PcsResponseReader.tcbInfo(tcbInfoResponse);
    TcbInfoParser.parse(tcbInfo.body());
    SignedJson qeIdentity = PcsResponseReader.enclaveIdentity(qeIdentityResponse);
    QeIdentityParser.parse(qeIdentity.body());
    if (tcbInfoIssuerChain.isEmpty()) {
      throw new CollateralFormatException("tcb_info_issuer_chain: empty");
    }
    if (qeIdentityIssuerChain.isEmpty()) {
      throw new CollateralFormatException("qe_identity_issuer_chain: empty");
    }
    return new Collateral(
        pckCrlIssuerChain,
        CrlReader.read(rootCaCrl, "root_ca_crl"),
        CrlReader.read(pckCrl, "pck_crl"),
        tcbInfoIssuerChain,
        tcbInfo,
        qeIdentityIssuerChain,
        qeIdentity);
  }
}
