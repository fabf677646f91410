package dev.mse.attestation.ratls;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.codec.CborFormatException;
import dev.mse.attestation.codec.CborReader;
import dev.mse.attestation.codec.CborWriter;
import dev.mse.attestation.ratls.RaTlsFormatException.Problem;

/**
 * The value of the TCG DICE evidence extension (OID 2.23.133.5.4.9) for an Intel SGX or TDX quote,
 * as the CCC "Interoperable RA-TLS" SGX/TDX evidence format defines it: the CBOR tag 60000 (IANA:
 * Intel TEE quote) over a definite array of two byte strings, {@code 60000([quote, claims])}. mse
 * puts its encoded {@link AttestationClaims} in the claims slot; their SHA-512 is the quote's
 * report data.
 *
 * @param quote the DCAP quote, verbatim
 * @param claims the encoded claims, verbatim (the bytes the report data binds)
 */
public record DiceEvidence(ByteString quote, ByteString claims) {
  /** IANA CBOR tag 60000: "attestation evidence data with an Intel TEE quote". */
  public static final long CBOR_TAG_INTEL_TEE_QUOTE = 60000;

  /** Real quotes are under 16 KiB; a quote with a long certification chain stays far below. */
  public static final int MAX_QUOTE_BYTES = 64 * 1024;

  public byte[] encode() {
    return new CborWriter()
        .tag(CBOR_TAG_INTEL_TEE_QUOTE)
        .array(2)
        .bytes(quote.toByteArray())
        .bytes(claims.toByteArray())
        .toByteArray();
  }

  /**
   * Reads the extension value: exactly {@code 60000([bstr, bstr])} in deterministic CBOR, nothing
   * after it. The claims inside are not decoded here.
   */
  public static DiceEvidence decode(byte[] value) throws RaTlsFormatException {
    try {
      CborReader r = new CborReader(value);
      long tag = r.tag("the evidence");
      if (tag != CBOR_TAG_INTEL_TEE_QUOTE) {
        throw malformed("the evidence has CBOR tag " + tag + ", not 60000 (Intel TEE quote)");
      }
      int n = r.array(2, "the evidence array");
      if (n != 2) {
        throw malformed("the evidence array has " + n + " entries, not 2 (quote, claims)");
      }
      ByteString quote = ByteString.of(r.bytes(MAX_QUOTE_BYTES, "the quote"));
      ByteString claims = ByteString.of(r.bytes(ClaimsCodec.MAX_ENCODED_BYTES, "the claims"));
      r.expectEnd();
      return new DiceEvidence(quote, claims);
    } catch (CborFormatException e) {
      throw malformed("the evidence extension is malformed: " + e.getMessage());
    }
  }

  private static RaTlsFormatException malformed(String message) {
    return new RaTlsFormatException(Problem.MALFORMED_EXTENSION, message);
  }
}
