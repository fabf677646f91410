package dev.mse.attestation.testing;

import dev.mse.attestation.quote.QuoteFormatException;
import dev.mse.attestation.quote.QuoteInput;
import java.time.Instant;
import java.util.List;
import java.util.stream.StreamSupport;
import tools.jackson.databind.JsonNode;

/** The AWS Nitro documents of EXPECTED.json, with the time they are stated to verify at. */
public final class NitroVectors {
  private NitroVectors() {}

  public record Vector(String id, byte[] document, Instant at, JsonNode expected) {
    @Override
    public String toString() {
      return id;
    }

    public boolean debug() {
      return expected.get("debug_mode_all_zero_pcr0").asBoolean();
    }
  }

  public static List<Vector> all() {
    JsonNode nitro = TestVectors.expected().get("nitro");
    return StreamSupport.stream(nitro.spliterator(), false).map(NitroVectors::vector).toList();
  }

  private static Vector vector(JsonNode e) {
    String id = e.get("id").asString();
    try {
      return new Vector(
          id,
          QuoteInput.decode(TestVectors.bytes(id)),
          Instant.ofEpochMilli(e.get("timestamp_ms").asLong()),
          e);
    } catch (QuoteFormatException ex) {
      throw new IllegalStateException(id, ex);
    }
  }
}
