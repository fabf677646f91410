package dev.mse.attestation.ratls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.codec.CborFormatException;
import dev.mse.attestation.codec.CborReader;
import dev.mse.attestation.codec.CborWriter;
import dev.mse.attestation.ratls.AttestationClaims.State;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AttestationClaimsTest {
  private static final AttestationClaims FULL =
      RaTlsFixture.claims(RaTlsFixture.newKey(), "app.example.com")
          .withNonce(Optional.of(ByteString.fromHex("ab".repeat(16))))
          .withState(State.RUNNING);

  private static final AttestationClaims WITH_CODE =
      new AttestationClaims(
          FULL.pubkeyHash(),
          FULL.nonce(),
          FULL.appId(),
          FULL.packageSha256(),
          Optional.of(RaTlsFixture.sha256("code")),
          FULL.configSha256(),
          FULL.sslOrigin(),
          FULL.tls(),
          FULL.domain(),
          FULL.expires(),
          FULL.hpkePublicKey(),
          FULL.runtime(),
          FULL.state());

  @Test
  void roundTrips() throws Exception {
    for (AttestationClaims c : List.of(FULL, WITH_CODE, FULL.withNonce(Optional.empty()))) {
      assertThat(AttestationClaims.decode(c.encode().toByteArray())).isEqualTo(c);
    }
  }

  @Test
  void sortsKeysBytewiseByTheirEncodingShorterFirst() {
    byte[] encoded = WITH_CODE.encode().toByteArray();
    assertThat(encoded[0] & 0xff).isEqualTo(0xad); // map of 13
    String text = new String(encoded, StandardCharsets.ISO_8859_1);
    List<String> order =
        List.of(
            "tls",
            "nonce",
            "state",
            "app-id",
            "domain",
            "expires",
            "hpke-pk",
            "runtime",
            "ssl-origin",
            "code-sha256",
            "pubkey-hash",
            "config-sha256",
            "package-sha256");
    int last = -1;
    for (String key : order) {
      int at = text.indexOf((char) (0x60 + key.length()) + key);
      assertThat(at).as(key).isGreaterThan(last);
      last = at;
    }
  }

  @Test
  void encodesEachValueInItsShortestForm() {
    byte[] encoded = FULL.encode().toByteArray();
    String text = new String(encoded, StandardCharsets.ISO_8859_1);
    // "expires" followed by a 4-byte unsigned integer (0x1a): today's Unix time needs 32 bits
    assertThat(text).contains("gexpires\u001a");
    // digests are byte strings of 32 with a one-byte length (0x58 0x20)
    assertThat(text).contains("kpubkey-hashX\u0020");
    assertThat(text).contains("estategrunning");
  }

  @Test
  void reportDataIsTheSha512OfTheEncoding() throws Exception {
    byte[] expected = MessageDigest.getInstance("SHA-512").digest(FULL.encode().toByteArray());
    assertThat(FULL.reportData()).isEqualTo(ByteString.of(expected));
    assertThat(FULL.reportData().size()).isEqualTo(64);
  }

  @Test
  void rejectsTrailingBytes() {
    byte[] encoded = FULL.encode().toByteArray();
    assertRejected(Arrays.copyOf(encoded, encoded.length + 1), "trailing");
  }

  @Test
  void rejectsANonShortestMapHead() {
    byte[] encoded = FULL.encode().toByteArray();
    byte[] longer = new byte[encoded.length + 1];
    longer[0] = (byte) 0xb8;
    longer[1] = (byte) (encoded[0] & 0x1f);
    System.arraycopy(encoded, 1, longer, 2, encoded.length - 1);
    assertRejected(longer, "shortest");
  }

  @Test
  void rejectsANonShortestInteger() {
    Map<String, byte[]> e = entries(FULL);
    e.put("expires", new byte[] {0x1b, 0, 0, 0, 0, 0x65, 0, 0, 0});
    assertRejected(map(e), "shortest");
  }

  @Test
  void rejectsIndefiniteLengths() {
    Map<String, byte[]> e = entries(FULL);
    CborWriter w = new CborWriter().raw(new byte[] {(byte) 0xbf});
    e.forEach((k, v) -> w.text(k).raw(v));
    assertRejected(w.raw(new byte[] {(byte) 0xff}).toByteArray(), "indefinite");
  }

  @Test
  void rejectsDuplicateKeys() {
    Map<String, byte[]> e = entries(FULL);
    List<Map.Entry<String, byte[]>> list = new ArrayList<>(e.entrySet());
    list.set(2, Map.entry("nonce", e.get("nonce"))); // after tls and nonce
    assertRejected(map(list), "twice");
  }

  @Test
  void rejectsKeysOutOfOrder() {
    List<Map.Entry<String, byte[]>> list = new ArrayList<>(entries(FULL).entrySet());
    var first = list.removeFirst();
    list.add(first);
    assertRejected(map(list), "order");
  }

  @Test
  void rejectsUnknownAndMissingClaims() {
    Map<String, byte[]> e = entries(FULL);
    e.put("zzz", new CborWriter().unsigned(1).toByteArray());
    assertRejected(map(e), "unknown claim");

    Map<String, byte[]> missing = entries(FULL);
    missing.remove("config-sha256");
    assertRejected(map(missing), "config-sha256\" is missing");

    // Claims of a runtime from before the `tls` claim do not pass for either mode.
    Map<String, byte[]> noTls = entries(FULL);
    noTls.remove("tls");
    assertRejected(map(noTls), "tls\" is missing");
  }

  @Test
  void namesWhoServesTheTls() throws Exception {
    for (AppTls tls : AppTls.values()) {
      AttestationClaims c = withTls(FULL, tls);
      assertThat(AttestationClaims.decode(c.encode().toByteArray()).tls()).isEqualTo(tls);
      assertThat(new String(c.encode().toByteArray(), StandardCharsets.ISO_8859_1))
          .contains("ctls" + (char) (0x60 + tls.wireName().length()) + tls.wireName());
    }
    assertRejected(with("tls", new CborWriter().text("proxy")), "tls: unknown value");
    assertRejected(with("tls", new CborWriter().text("APP")), "tls: unknown value");
    // Another mode is another report data: a host cannot relabel who serves the TLS.
    assertThat(withTls(FULL, AppTls.RUNTIME).reportData())
        .isNotEqualTo(withTls(FULL, AppTls.APP).reportData());
  }

  static AttestationClaims withTls(AttestationClaims c, AppTls tls) {
    return new AttestationClaims(
        c.pubkeyHash(),
        c.nonce(),
        c.appId(),
        c.packageSha256(),
        c.codeSha256(),
        c.configSha256(),
        c.sslOrigin(),
        tls,
        c.domain(),
        c.expires(),
        c.hpkePublicKey(),
        c.runtime(),
        c.state());
  }

  @Test
  void rejectsWrongTypesAndSizes() {
    assertRejected(with("expires", new CborWriter().text("tomorrow")), "expires");
    assertRejected(with("pubkey-hash", new CborWriter().bytes(new byte[31])), "32 bytes");
    assertRejected(with("nonce", new CborWriter().bytes(new byte[65])), "at most 64");
    assertRejected(
        with(
            "app-id",
            new CborWriter().text(FULL.appId().toString().toUpperCase(java.util.Locale.ROOT))),
        "UUID");
    assertRejected(with("state", new CborWriter().text("Running")), "unknown value");
    assertRejected(with("domain", new CborWriter().text("bad domain")), "domain");
    assertRejected(with("expires", new CborWriter().unsigned(1L << 40)), "9999");
    // a half-precision float and a tag where a byte string belongs
    assertRejected(with("hpke-pk", new CborWriter().raw(new byte[] {(byte) 0xf9, 0, 0})), "float");
    assertRejected(with("hpke-pk", new CborWriter().tag(24).bytes(new byte[32])), "a tag");
    // a negative integer
    assertRejected(with("expires", new CborWriter().raw(new byte[] {0x20})), "negative");
  }

  @Test
  void rejectsInvalidUtf8AndOversizeInput() {
    assertRejected(
        with(
            "runtime",
            new CborWriter().head(CborWriter.TEXT, 2).raw(new byte[] {(byte) 0xc3, 0x28})),
        "UTF-8");
    assertRejected(new byte[ClaimsCodec.MAX_ENCODED_BYTES + 1], "at most");
    assertRejected(new byte[0], "end of input");
  }

  @Test
  void theRecordRefusesInvalidValues() {
    assertThatThrownBy(() -> FULL.withNonce(Optional.of(ByteString.of(new byte[65]))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static byte[] with(String key, CborWriter value) {
    Map<String, byte[]> e = entries(FULL);
    e.put(key, value.toByteArray());
    return map(e);
  }

  /** The canonical entries of {@code claims}, in canonical order, values encoded. */
  private static Map<String, byte[]> entries(AttestationClaims claims) {
    byte[] encoded = claims.encode().toByteArray();
    CborReader r = new CborReader(encoded);
    Map<String, byte[]> out = new LinkedHashMap<>();
    try {
      int n = r.map(12, "map");
      for (int i = 0; i < n; i++) {
        String key = r.text(32, "key");
        int start = r.position();
        skip(r);
        out.put(key, r.slice(start));
      }
    } catch (CborFormatException e) {
      throw new AssertionError(e);
    }
    return out;
  }

  private static void skip(CborReader r) throws CborFormatException {
    switch (r.peekMajor()) {
      case CborWriter.UNSIGNED -> r.unsigned("v");
      case CborWriter.BYTES -> r.bytes(1024, "v");
      case CborWriter.TEXT -> r.text(1024, "v");
      default -> throw new AssertionError("unexpected item");
    }
  }

  private static byte[] map(Map<String, byte[]> entries) {
    return map(new ArrayList<>(entries.entrySet()));
  }

  private static byte[] map(List<Map.Entry<String, byte[]>> entries) {
    CborWriter w = new CborWriter().map(entries.size());
    for (var e : entries) {
      w.text(e.getKey()).raw(e.getValue());
    }
    return w.toByteArray();
  }

  private static void assertRejected(byte[] encoded, String messagePart) {
    assertThatThrownBy(() -> AttestationClaims.decode(encoded))
        .isInstanceOf(ClaimsFormatException.class)
        .hasMessageContaining(messagePart);
  }
}
