package dev.mse.attestation.testing;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.CertificateChainReader;
import dev.mse.attestation.collateral.Collateral;
import dev.mse.attestation.collateral.CollateralFormatException;
import dev.mse.attestation.collateral.CollateralReader;
import dev.mse.attestation.collateral.PcsCollateralReader;
import dev.mse.attestation.quote.QuoteFormatException;
import dev.mse.attestation.quote.QuoteInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real DCAP vectors with their collateral, as listed in {@code dcap-vectors.json} (which file
 * goes with which quote) and {@code EXPECTED.json} (what a verifier must say).
 */
public final class DcapVectors {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private DcapVectors() {}

  /** One vector: the quote, its collateral, the time to verify at, and the expectations. */
  public record Vector(
      String id,
      String quoteFile,
      byte[] quote,
      Collateral collateral,
      Instant at,
      boolean timeConsistent,
      JsonNode expected) {
    @Override
    public String toString() {
      return id;
    }
  }

  public static List<Vector> all() {
    JsonNode list = mapping().get("vectors");
    JsonNode expected = TestVectors.expected().get("dcap");
    List<Vector> out = new ArrayList<>();
    for (JsonNode v : list.values()) {
      String id = v.get("id").asString();
      JsonNode exp = null;
      for (JsonNode e : expected.values()) {
        if (e.get("id").asString().equals(id)) {
          exp = e;
        }
      }
      if (exp == null) {
        throw new IllegalStateException("no expectation for " + id);
      }
      String quoteFile = v.get("quote").asString();
      out.add(
          new Vector(
              id,
              quoteFile,
              quote(quoteFile),
              collateral(v.get("collateral")),
              Instant.ofEpochSecond(v.get("at").asLong()),
              v.get("time_consistent").asBoolean(),
              exp));
    }
    return List.copyOf(out);
  }

  public static Vector byId(String id) {
    return all().stream()
        .filter(v -> v.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no vector " + id));
  }

  /** A quote file of the vectors, decoded from binary or hex. */
  public static byte[] quote(String relative) {
    try {
      return QuoteInput.decode(TestVectors.bytes(relative));
    } catch (QuoteFormatException e) {
      throw new IllegalStateException(relative, e);
    }
  }

  /** The collateral described by one entry of dcap-vectors.json. */
  public static Collateral collateral(JsonNode c) {
    try {
      if (c.get("format").asString().equals("dcap-qvl")) {
        return CollateralReader.read(file(c.get("file").asString()));
      }
      return PcsCollateralReader.read(
          file(c.get("tcb_info").asString()),
          file(c.get("qe_identity").asString()),
          file(c.get("pck_crl").asString()),
          file(c.get("root_ca_crl").asString()),
          chain(c.get("pck_crl_issuer_chain")),
          chain(c.get("tcb_info_issuer_chain")),
          chain(c.get("qe_identity_issuer_chain")));
    } catch (CollateralFormatException e) {
      throw new IllegalStateException("unreadable collateral " + c, e);
    }
  }

  private static List<X509Certificate> chain(JsonNode files) throws CollateralFormatException {
    List<X509Certificate> out = new ArrayList<>();
    for (JsonNode f : files.values()) {
      out.addAll(CertificateChainReader.read(file(f.asString()), f.asString()));
    }
    return out;
  }

  private static ByteString file(String relative) {
    return ByteString.of(TestVectors.bytes(relative));
  }

  private static JsonNode mapping() {
    try (InputStream in =
        DcapVectors.class.getResourceAsStream("/dev/mse/attestation/vectors/dcap-vectors.json")) {
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
