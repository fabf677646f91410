package dev.mse.attestation.nitro;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.codec.CborFormatException;
import dev.mse.attestation.codec.CborReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads an AWS Nitro Enclaves attestation document. Every length is bounded before anything is
 * copied; the document must be one COSE_Sign1 (tag 18 optional) with the ES384 protected header
 * {@code {1: -35}}, an empty unprotected header, and a payload map with exactly AWS's keys.
 * Anything else, including unknown payload keys, is refused: the verifier accepts one shape.
 */
public final class NitroDocumentParser {
  /** AWS documents are about 4-5 KiB; no real one comes near this. */
  public static final int MAX_DOCUMENT = 64 * 1024;

  private static final int COSE_SIGN1_TAG = 18;
  private static final int ES384 = -35;
  private static final int MAX_CERTIFICATE = 8 * 1024;
  private static final int MAX_CA_BUNDLE = 16;
  private static final int MAX_PCRS = 32;
  // AWS's NSM API limits: user data and nonce 512 bytes each, public key 1024 bytes.
  private static final int MAX_USER_FIELD = 1024;
  private static final Set<String> REQUIRED =
      Set.of("module_id", "digest", "timestamp", "pcrs", "certificate", "cabundle");
  private static final Set<String> OPTIONAL = Set.of("public_key", "user_data", "nonce");

  private NitroDocumentParser() {}

  /** Whether {@code data} starts like a COSE_Sign1 array with an ES384 protected header. */
  public static boolean looksLikeNitro(byte[] data) {
    int start = data.length > 0 && (data[0] & 0xff) == 0xd2 ? 1 : 0;
    byte[] head = {(byte) 0x84, 0x44, (byte) 0xa1, 0x01, 0x38, 0x22};
    if (data.length < start + head.length) {
      return false;
    }
    for (int i = 0; i < head.length; i++) {
      if (data[start + i] != head[i]) {
        return false;
      }
    }
    return true;
  }

  public static NitroDocument parse(byte[] data) throws NitroFormatException {
    if (data.length > MAX_DOCUMENT) {
      throw new NitroFormatException(
          "the document is " + data.length + " bytes; at most " + MAX_DOCUMENT + " allowed");
    }
    try {
      CborReader r = new CborReader(data);
      if (r.peekMajor() == 6 && r.tag("COSE tag") != COSE_SIGN1_TAG) {
        throw new NitroFormatException("the document is tagged, but not as COSE_Sign1 (18)");
      }
      if (r.array(4, "COSE_Sign1") != 4) {
        throw new NitroFormatException("a COSE_Sign1 structure has four items");
      }
      byte[] protectedHeader = r.bytes(64, "the protected header");
      checkProtectedHeader(protectedHeader);
      if (r.map(0, "the unprotected header") != 0) {
        throw new NitroFormatException("the unprotected header must be empty");
      }
      byte[] payload = r.bytes(MAX_DOCUMENT, "the payload");
      byte[] signature = r.bytes(96, "the signature");
      if (signature.length != 96) {
        throw new NitroFormatException(
            "an ES384 signature is 96 bytes, this one is " + signature.length);
      }
      r.expectEnd();
      return payload(ByteString.of(protectedHeader), payload, ByteString.of(signature));
    } catch (CborFormatException e) {
      throw new NitroFormatException(e.getMessage());
    }
  }

  private static void checkProtectedHeader(byte[] encoded)
      throws CborFormatException, NitroFormatException {
    CborReader h = new CborReader(encoded);
    if (h.map(4, "the protected header") != 1
        || h.integer("the header label") != 1
        || h.integer("the algorithm") != ES384) {
      throw new NitroFormatException("the protected header must be {alg: ES384} and nothing else");
    }
    h.expectEnd();
  }

  private static NitroDocument payload(ByteString protectedHeader, byte[] payload, ByteString sig)
      throws CborFormatException, NitroFormatException {
    CborReader r = new CborReader(payload);
    int entries = r.map(REQUIRED.size() + OPTIONAL.size(), "the payload");
    Set<String> seen = new HashSet<>();
    String moduleId = null;
    String digest = null;
    Instant timestamp = null;
    SortedMap<Integer, ByteString> pcrs = null;
    ByteString certificate = null;
    List<ByteString> caBundle = null;
    Optional<ByteString> publicKey = Optional.empty();
    Optional<ByteString> userData = Optional.empty();
    Optional<ByteString> nonce = Optional.empty();
    for (int i = 0; i < entries; i++) {
      String key = r.text(32, "a payload key");
      if (!REQUIRED.contains(key) && !OPTIONAL.contains(key)) {
        throw new NitroFormatException("unknown payload key '" + key + "'");
      }
      if (!seen.add(key)) {
        throw new NitroFormatException("the payload key '" + key + "' appears twice");
      }
      switch (key) {
        case "module_id" -> moduleId = r.text(256, "module_id");
        case "digest" -> digest = r.text(16, "digest");
        case "timestamp" -> timestamp = Instant.ofEpochMilli(r.unsigned("timestamp"));
        case "pcrs" -> pcrs = pcrs(r);
        case "certificate" -> certificate = ByteString.of(r.bytes(MAX_CERTIFICATE, "certificate"));
        case "cabundle" -> caBundle = caBundle(r);
        case "public_key" -> publicKey = optionalBytes(r, "public_key");
        case "user_data" -> userData = optionalBytes(r, "user_data");
        case "nonce" -> nonce = optionalBytes(r, "nonce");
        default -> throw new IllegalStateException(key);
      }
    }
    r.expectEnd();
    for (String key : REQUIRED) {
      if (!seen.contains(key)) {
        throw new NitroFormatException("the payload has no '" + key + "'");
      }
    }
    if (moduleId.isEmpty()) {
      throw new NitroFormatException("module_id is empty");
    }
    if (!"SHA384".equals(digest)) {
      throw new NitroFormatException("the PCR digest must be SHA384");
    }
    for (var pcr : pcrs.entrySet()) {
      if (pcr.getValue().size() != 48) {
        throw new NitroFormatException(
            "PCR" + pcr.getKey() + " is " + pcr.getValue().size() + " bytes, not 48 (SHA384)");
      }
    }
    return new NitroDocument(
        protectedHeader,
        ByteString.of(payload),
        sig,
        moduleId,
        digest,
        timestamp,
        pcrs,
        certificate,
        caBundle,
        publicKey,
        userData,
        nonce);
  }

  private static SortedMap<Integer, ByteString> pcrs(CborReader r)
      throws CborFormatException, NitroFormatException {
    int n = r.map(MAX_PCRS, "pcrs");
    SortedMap<Integer, ByteString> out = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      long index = r.unsigned("a PCR index");
      if (index >= MAX_PCRS) {
        throw new NitroFormatException("PCR index " + index + " is out of range");
      }
      if (out.put((int) index, ByteString.of(r.bytes(64, "PCR" + index))) != null) {
        throw new NitroFormatException("PCR" + index + " appears twice");
      }
    }
    return out;
  }

  private static List<ByteString> caBundle(CborReader r)
      throws CborFormatException, NitroFormatException {
    int n = r.array(MAX_CA_BUNDLE, "cabundle");
    if (n == 0) {
      throw new NitroFormatException("cabundle is empty");
    }
    List<ByteString> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(ByteString.of(r.bytes(MAX_CERTIFICATE, "cabundle[" + i + "]")));
    }
    return out;
  }

  private static Optional<ByteString> optionalBytes(CborReader r, String what)
      throws CborFormatException {
    if (r.nullValue()) {
      return Optional.empty();
    }
    return Optional.of(ByteString.of(r.bytes(MAX_USER_FIELD, what)));
  }
}
