package dev.mse.attestation.collateral;

import dev.mse.attestation.codec.ByteString;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;

/**
 * Cuts the signed document out of an Intel PCS response body such as {@code
 * {"tcbInfo":{…},"signature":"<hex>"}}.
 *
 * <p>Intel signs the bytes of the {@code tcbInfo} / {@code enclaveIdentity} value exactly as they
 * appear in the response, so this class never re-serializes: it streams the response with Jackson,
 * notes the byte offsets where the value's object starts and ends, and copies that byte range. Any
 * whitespace or key order inside the object is therefore part of the signed body, and anything
 * outside it (indentation, a trailing newline) is not.
 */
public final class PcsResponseReader {
  /** Raw r||s of an ECDSA P-256 signature. */
  private static final int SIGNATURE_BYTES = 64;

  private PcsResponseReader() {}

  /** The signed TCB Info of a PCS {@code /tcb} response. */
  public static SignedJson tcbInfo(ByteString response) throws CollateralFormatException {
    return read(response, "tcbInfo");
  }

  /** The signed enclave identity of a PCS {@code /qe/identity} response. */
  public static SignedJson enclaveIdentity(ByteString response) throws CollateralFormatException {
    return read(response, "enclaveIdentity");
  }

  /**
   * The exact bytes of the object under {@code field} and the decoded {@code signature} of a
   * response object that has both at its top level. Other top-level fields are ignored; a
   * duplicated key, trailing content or a response that is not UTF-8 JSON is rejected.
   */
  public static SignedJson read(ByteString response, String field)
      throws CollateralFormatException {
    byte[] bytes = response.toByteArray();
    boolean found = false;
    long start = -1;
    long end = -1;
    String signature = null;
    try (JsonParser parser =
        CollateralJson.FACTORY.createParser(ObjectReadContext.empty(), bytes)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new CollateralFormatException("PCS response: expected a JSON object");
      }
      while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (name.equals(field)) {
          if (value != JsonToken.START_OBJECT) {
            throw new CollateralFormatException(field + ": expected an object");
          }
          found = true;
          start = parser.currentTokenLocation().getByteOffset();
          parser.skipChildren();
          end = parser.currentTokenLocation().getByteOffset() + 1;
        } else if (name.equals("signature")) {
          if (value != JsonToken.VALUE_STRING) {
            throw new CollateralFormatException("signature: expected a string");
          }
          signature = parser.getString();
        } else {
          parser.skipChildren();
        }
      }
      if (parser.nextToken() != null) {
        throw new CollateralFormatException("PCS response: content after the JSON object");
      }
    } catch (JacksonException e) {
      throw new CollateralFormatException(
          "PCS response: not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (!found) {
      throw new CollateralFormatException(field + ": missing");
    }
    if (signature == null) {
      throw new CollateralFormatException("signature: missing");
    }
    return new SignedJson(body(bytes, start, end, field), signature(signature, "signature"));
  }

  /** Decodes a hex signature: 64 bytes, raw r||s. */
  static ByteString signature(String hex, String path) throws CollateralFormatException {
    return JsonFields.decodeHex(hex, SIGNATURE_BYTES, path);
  }

  private static ByteString body(byte[] bytes, long start, long end, String field)
      throws CollateralFormatException {
    // Offsets are -1 when Jackson decoded the input as UTF-16/32: Intel's bodies are UTF-8 and a
    // byte range of a re-decoded text would not be what Intel signed.
    if (start < 0
        || start >= end
        || end > bytes.length
        || bytes[(int) start] != '{'
        || bytes[(int) end - 1] != '}') {
      throw new CollateralFormatException(field + ": cannot locate the signed bytes (not UTF-8?)");
    }
    return ByteString.copyOf(bytes, (int) start, (int) (end - start));
  }
}
