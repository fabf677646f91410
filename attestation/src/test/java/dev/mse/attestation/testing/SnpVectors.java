package dev.mse.attestation.testing;

import dev.mse.attestation.codec.X509Codec;
import dev.mse.attestation.quote.QuoteInput;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.StreamSupport;
import tools.jackson.databind.JsonNode;

/**
 * The SEV-SNP reports of EXPECTED.json with their VCEK or VLEK. Each is checked one day after its
 * key's notBefore: EXPECTED.json says any time within the key's validity works, and the VLEK's year
 * ended in 2025-12.
 */
public final class SnpVectors {
  private SnpVectors() {}

  public record Vector(
      String id, byte[] report, X509Certificate vek, Instant at, JsonNode expected) {
    @Override
    public String toString() {
      return id;
    }
  }

  public static List<Vector> all() {
    JsonNode snp = TestVectors.expected().get("snp");
    return StreamSupport.stream(snp.spliterator(), false).map(SnpVectors::vector).toList();
  }

  private static Vector vector(JsonNode e) {
    String id = e.get("id").asString();
    try {
      X509Certificate vek =
          X509Codec.certificates(TestVectors.bytes(e.get("vek_file").asString())).getFirst();
      return new Vector(
          id,
          QuoteInput.decode(TestVectors.bytes(id)),
          vek,
          Instant.parse(e.get("vek_info").get("not_before").asString()).plus(Duration.ofDays(1)),
          e);
    } catch (Exception ex) {
      throw new IllegalStateException(id, ex);
    }
  }
}
