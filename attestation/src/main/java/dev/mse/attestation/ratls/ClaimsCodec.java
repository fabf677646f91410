package dev.mse.attestation.ratls;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.codec.CborFormatException;
import dev.mse.attestation.codec.CborReader;
import dev.mse.attestation.codec.CborWriter;
import dev.mse.attestation.ratls.AttestationClaims.State;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The wire form of {@link AttestationClaims}: one CBOR map with text keys, in RFC 8949 §4.2.1 core
 * deterministic encoding (shortest heads, definite lengths, keys sorted bytewise by their encoding,
 * no duplicates). The decoder accepts exactly that subset, so two parties that agree on the claims
 * agree on the bytes, and therefore on the report data.
 */
final class ClaimsCodec {
  /** Far above the largest valid claims (about 600 bytes), far below anything harmful. */
  static final int MAX_ENCODED_BYTES = 2048;

  static final String PUBKEY_HASH = "pubkey-hash";
  static final String NONCE = "nonce";
  static final String APP_ID = "app-id";
  static final String PACKAGE_SHA256 = "package-sha256";
  static final String CODE_SHA256 = "code-sha256";
  static final String CONFIG_SHA256 = "config-sha256";
  static final String SSL_ORIGIN = "ssl-origin";
  static final String TLS = "tls";
  static final String DOMAIN = "domain";
  static final String EXPIRES = "expires";
  static final String HPKE_PK = "hpke-pk";
  static final String RUNTIME = "runtime";
  static final String STATE = "state";

  private static final java.util.Set<String> KNOWN =
      java.util.Set.of(
          PUBKEY_HASH,
          NONCE,
          APP_ID,
          PACKAGE_SHA256,
          CODE_SHA256,
          CONFIG_SHA256,
          SSL_ORIGIN,
          TLS,
          DOMAIN,
          EXPIRES,
          HPKE_PK,
          RUNTIME,
          STATE);

  private static final int MAX_CLAIMS = 13;
  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private ClaimsCodec() {}

  private record Entry(byte[] key, byte[] value) {}

  static byte[] encode(AttestationClaims c) {
    List<Entry> entries = new ArrayList<>();
    add(entries, PUBKEY_HASH, w -> w.bytes(c.pubkeyHash().toByteArray()));
    c.nonce().ifPresent(n -> add(entries, NONCE, w -> w.bytes(n.toByteArray())));
    add(entries, APP_ID, w -> w.text(c.appId().toString()));
    add(entries, PACKAGE_SHA256, w -> w.bytes(c.packageSha256().toByteArray()));
    c.codeSha256().ifPresent(d -> add(entries, CODE_SHA256, w -> w.bytes(d.toByteArray())));
    add(entries, CONFIG_SHA256, w -> w.bytes(c.configSha256().toByteArray()));
    add(entries, SSL_ORIGIN, w -> w.text(c.sslOrigin().wireName()));
    add(entries, TLS, w -> w.text(c.tls().wireName()));
    add(entries, DOMAIN, w -> w.text(c.domain()));
    add(entries, EXPIRES, w -> w.unsigned(c.expires().getEpochSecond()));
    add(entries, HPKE_PK, w -> w.bytes(c.hpkePublicKey().toByteArray()));
    add(entries, RUNTIME, w -> w.text(c.runtime()));
    add(entries, STATE, w -> w.text(c.state().wireName()));
    entries.sort((a, b) -> Arrays.compareUnsigned(a.key(), b.key()));

    CborWriter out = new CborWriter().map(entries.size());
    for (Entry e : entries) {
      out.raw(e.key()).raw(e.value());
    }
    return out.toByteArray();
  }

  private static void add(
      List<Entry> entries, String key, java.util.function.Consumer<CborWriter> value) {
    CborWriter v = new CborWriter();
    value.accept(v);
    entries.add(new Entry(new CborWriter().text(key).toByteArray(), v.toByteArray()));
  }

  /** Values as they are read, before the record checks them together. */
  private static final class Fields {
    ByteString pubkeyHash;
    ByteString nonce;
    UUID appId;
    ByteString packageSha256;
    ByteString codeSha256;
    ByteString configSha256;
    SslOrigin sslOrigin;
    AppTls tls;
    String domain;
    Instant expires;
    ByteString hpkePublicKey;
    String runtime;
    State state;
  }

  static AttestationClaims decode(byte[] encoded) throws ClaimsFormatException {
    if (encoded.length > MAX_ENCODED_BYTES) {
      throw new ClaimsFormatException(
          "the claims are " + encoded.length + " bytes; at most " + MAX_ENCODED_BYTES + " allowed");
    }
    Fields f = new Fields();
    try {
      CborReader r = new CborReader(encoded);
      int n = r.map(MAX_CLAIMS, "the claims map");
      byte[] previousKey = null;
      for (int i = 0; i < n; i++) {
        int start = r.position();
        String key = r.text(32, "a claim name");
        byte[] keyBytes = r.slice(start);
        if (!KNOWN.contains(key)) {
          throw new ClaimsFormatException("unknown claim \"" + printable(key) + "\"");
        }
        if (previousKey != null) {
          int order = Arrays.compareUnsigned(previousKey, keyBytes);
          if (order == 0) {
            throw new ClaimsFormatException("the claim \"" + key + "\" appears twice");
          }
          if (order > 0) {
            throw new ClaimsFormatException(
                "the claim \"" + key + "\" is out of the deterministic key order");
          }
        }
        previousKey = keyBytes;
        readClaim(r, key, f);
      }
      r.expectEnd();
    } catch (CborFormatException e) {
      throw new ClaimsFormatException("malformed claims: " + e.getMessage());
    }
    try {
      return new AttestationClaims(
          required(f.pubkeyHash, PUBKEY_HASH),
          Optional.ofNullable(f.nonce),
          required(f.appId, APP_ID),
          required(f.packageSha256, PACKAGE_SHA256),
          Optional.ofNullable(f.codeSha256),
          required(f.configSha256, CONFIG_SHA256),
          required(f.sslOrigin, SSL_ORIGIN),
          required(f.tls, TLS),
          required(f.domain, DOMAIN),
          required(f.expires, EXPIRES),
          required(f.hpkePublicKey, HPKE_PK),
          required(f.runtime, RUNTIME),
          required(f.state, STATE));
    } catch (IllegalArgumentException e) {
      throw new ClaimsFormatException("invalid claims: " + e.getMessage());
    }
  }

  private static void readClaim(CborReader r, String key, Fields f)
      throws CborFormatException, ClaimsFormatException {
    switch (key) {
      case PUBKEY_HASH -> f.pubkeyHash = digest(r, key);
      case NONCE -> f.nonce = ByteString.of(r.bytes(AttestationClaims.MAX_NONCE_BYTES, key));
      case APP_ID -> f.appId = uuid(r.text(36, key));
      case PACKAGE_SHA256 -> f.packageSha256 = digest(r, key);
      case CODE_SHA256 -> f.codeSha256 = digest(r, key);
      case CONFIG_SHA256 -> f.configSha256 = digest(r, key);
      case SSL_ORIGIN -> f.sslOrigin = wireEnum(SslOrigin.class, r.text(16, key), key);
      case TLS -> f.tls = wireEnum(AppTls.class, r.text(16, key), key);
      case DOMAIN -> f.domain = r.text(AttestationClaims.MAX_DOMAIN_LENGTH, key);
      case EXPIRES -> f.expires = expires(r.unsigned(key));
      case HPKE_PK -> f.hpkePublicKey = digest(r, key);
      case RUNTIME -> f.runtime = r.text(AttestationClaims.MAX_RUNTIME_LENGTH, key);
      case STATE -> f.state = wireEnum(State.class, r.text(16, key), key);
      default -> throw new ClaimsFormatException("unknown claim \"" + printable(key) + "\"");
    }
  }

  /** A 32-byte value (digests and the X25519 key). */
  private static ByteString digest(CborReader r, String key)
      throws CborFormatException, ClaimsFormatException {
    byte[] value = r.bytes(32, key);
    if (value.length != 32) {
      throw new ClaimsFormatException(key + " is 32 bytes, not " + value.length);
    }
    return ByteString.of(value);
  }

  private static UUID uuid(String text) throws ClaimsFormatException {
    if (!UUID_TEXT.matcher(text).matches()) {
      throw new ClaimsFormatException("app-id is not a lowercase UUID: " + printable(text));
    }
    return UUID.fromString(text);
  }

  private static Instant expires(long seconds) throws ClaimsFormatException {
    if (seconds > AttestationClaims.MAX_EXPIRES.getEpochSecond()) {
      throw new ClaimsFormatException("expires is after the year 9999: " + seconds);
    }
    return Instant.ofEpochSecond(seconds);
  }

  private static <E extends Enum<E>> E wireEnum(Class<E> type, String text, String key)
      throws ClaimsFormatException {
    for (E value : type.getEnumConstants()) {
      if (value.name().toLowerCase(java.util.Locale.ROOT).equals(text)) {
        return value;
      }
    }
    throw new ClaimsFormatException(key + ": unknown value \"" + printable(text) + "\"");
  }

  private static <T> T required(T value, String key) throws ClaimsFormatException {
    if (value == null) {
      throw new ClaimsFormatException("the claim \"" + key + "\" is missing");
    }
    return value;
  }

  /** At most 40 characters, control characters replaced, for messages about hostile input. */
  static String printable(String s) {
    String cut = s.length() > 40 ? s.substring(0, 40) + "…" : s;
    return cut.codePoints()
        .map(c -> Character.isISOControl(c) ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString();
  }
}
