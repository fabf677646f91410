package dev.mse.attestation.nitro;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.codec.CborWriter;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An AWS Nitro Enclaves attestation document: a COSE_Sign1 structure (RFC 9052) signed with ES384
 * by the enclave's leaf certificate, whose payload is the CBOR map AWS documents.
 *
 * @param protectedHeader the encoded protected header, exactly as signed
 * @param payload the encoded payload, exactly as signed
 * @param signature the raw r||s signature (96 bytes for ES384)
 * @param pcrs the platform configuration registers by index (48 bytes each for SHA384)
 * @param certificate the DER of the leaf certificate that signed the document
 * @param caBundle DER certificates from the AWS root (first) down to the leaf's issuer (last)
 */
public record NitroDocument(
    ByteString protectedHeader,
    ByteString payload,
    ByteString signature,
    String moduleId,
    String digest,
    Instant timestamp,
    SortedMap<Integer, ByteString> pcrs,
    ByteString certificate,
    List<ByteString> caBundle,
    Optional<ByteString> publicKey,
    Optional<ByteString> userData,
    Optional<ByteString> nonce) {

  public NitroDocument {
    pcrs = Collections.unmodifiableSortedMap(new TreeMap<>(pcrs));
    caBundle = List.copyOf(caBundle);
  }

  /** The bytes the signature covers: {@code ["Signature1", protected, h'', payload]}. */
  public byte[] signedBytes() {
    return new CborWriter()
        .array(4)
        .text("Signature1")
        .bytes(protectedHeader.toByteArray())
        .bytes(new byte[0])
        .bytes(payload.toByteArray())
        .toByteArray();
  }

  /** A PCR, or empty if the document has none at that index. */
  public Optional<ByteString> pcr(int index) {
    return Optional.ofNullable(pcrs.get(index));
  }

  /**
   * Whether the enclave runs in debug mode: AWS then reports PCR0 (and 1, 2) as zeros, since the
   * host can read a debug enclave's memory and its measurements mean nothing.
   */
  public boolean debug() {
    return pcr(0).map(ByteString::isAllZero).orElse(true);
  }
}
