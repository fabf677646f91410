package dev.mse.attestation.collateral;

import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Everything a verifier needs beside the quote and the trust anchor, as Intel's PCS serves it (the
 * same set as dcap-qvl's {@code QuoteCollateralV3}). Nothing here is trusted: each part is checked
 * against the pinned root before use.
 *
 * @param pckCrlIssuerChain the PCK CRL issuer (Platform or Processor CA) and the root
 * @param tcbInfoIssuerChain the Intel SGX TCB Signing certificate and the root
 */
public record Collateral(
    List<X509Certificate> pckCrlIssuerChain,
    X509CRL rootCaCrl,
    X509CRL pckCrl,
    List<X509Certificate> tcbInfoIssuerChain,
    SignedJson tcbInfo,
    List<X509Certificate> qeIdentityIssuerChain,
    SignedJson qeIdentity) {

  public Collateral {
    pckCrlIssuerChain = List.copyOf(pckCrlIssuerChain);
    tcbInfoIssuerChain = List.copyOf(tcbInfoIssuerChain);
    qeIdentityIssuerChain = List.copyOf(qeIdentityIssuerChain);
  }
}
