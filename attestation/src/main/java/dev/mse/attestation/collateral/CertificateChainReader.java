package dev.mse.attestation.collateral;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.codec.X509Codec;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the issuer chains that come with collateral: one or more PEM blocks (as PCS sends them,
 * URL-decoded, and as dcap-qvl stores them) or DER certificates. The chain is returned in file
 * order; whether it is a chain at all is the verifier's question.
 */
public final class CertificateChainReader {
  private CertificateChainReader() {}

  /**
   * All certificates in {@code data}.
   *
   * @param what names the chain in error messages, e.g. {@code tcb_info_issuer_chain}
   */
  public static List<X509Certificate> read(ByteString data, String what)
      throws CollateralFormatException {
    try {
      return X509Codec.certificates(data.toByteArray());
    } catch (CertificateException e) {
      throw new CollateralFormatException(what + ": " + e.getMessage(), e);
    }
  }

  /** The certificates of several files, concatenated in the order given. */
  public static List<X509Certificate> read(List<ByteString> files, String what)
      throws CollateralFormatException {
    List<X509Certificate> chain = new ArrayList<>();
    for (ByteString file : files) {
      chain.addAll(read(file, what));
    }
    return List.copyOf(chain);
  }
}
