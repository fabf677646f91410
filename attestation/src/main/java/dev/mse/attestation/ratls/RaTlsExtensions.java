package dev.mse.attestation.ratls;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.ratls.RaTlsFormatException.Problem;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;

/**
 * Reads the RA-TLS extensions of a certificate. Every failure is a {@link RaTlsFormatException}
 * saying which extension is missing or malformed; certificates come from the network, so nothing
 * else may escape.
 */
public final class RaTlsExtensions {
  /** Bundles hold PEM chains, CRLs and two signed JSON documents; a few tens of KiB. */
  public static final int MAX_ENDORSEMENTS_BYTES = 512 * 1024;

  private RaTlsExtensions() {}

  public static RaTlsEvidence read(X509Certificate certificate) throws RaTlsFormatException {
    byte[] dice =
        value(certificate, RaTlsOids.DICE_EVIDENCE)
            .orElseThrow(
                () ->
                    new RaTlsFormatException(
                        Problem.MISSING_EXTENSION,
                        "the certificate has no RA-TLS evidence extension ("
                            + RaTlsOids.DICE_EVIDENCE
                            + "); it is not an mse RA-TLS certificate"));
    DiceEvidence evidence = DiceEvidence.decode(dice);
    Optional<ByteString> legacy =
        value(certificate, RaTlsOids.LEGACY_SGX_QUOTE).map(ByteString::of);
    Optional<byte[]> endorsements = value(certificate, RaTlsOids.DICE_ENDORSEMENTS);
    if (endorsements.isPresent() && endorsements.get().length > MAX_ENDORSEMENTS_BYTES) {
      throw new RaTlsFormatException(
          Problem.MALFORMED_EXTENSION,
          "the endorsements extension is "
              + endorsements.get().length
              + " bytes; at most "
              + MAX_ENDORSEMENTS_BYTES
              + " allowed");
    }
    return new RaTlsEvidence(evidence, legacy, endorsements.map(ByteString::of));
  }

  /** The content of the extension's extnValue OCTET STRING, if the extension is present. */
  static Optional<byte[]> value(X509Certificate certificate, String oid)
      throws RaTlsFormatException {
    byte[] extnValue;
    try {
      extnValue = certificate.getExtensionValue(oid);
    } catch (RuntimeException e) {
      throw new RaTlsFormatException(
          Problem.MALFORMED_CERTIFICATE, "cannot read extension " + oid + ": " + e.getMessage());
    }
    if (extnValue == null) {
      return Optional.empty();
    }
    try {
      ASN1Primitive primitive = ASN1Primitive.fromByteArray(extnValue);
      if (!(primitive instanceof ASN1OctetString octets)) {
        throw new RaTlsFormatException(
            Problem.MALFORMED_EXTENSION, "extension " + oid + " is not an OCTET STRING");
      }
      return Optional.of(octets.getOctets());
    } catch (IOException | RuntimeException e) {
      throw new RaTlsFormatException(
          Problem.MALFORMED_EXTENSION, "extension " + oid + " is malformed: " + e.getMessage());
    }
  }
}
