package dev.mse.attestation.collateral;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.testing.TestVectors;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real collateral sets that go with the DCAP vectors of {@code EXPECTED.json}, as listed in the
 * test resource {@code vectors/dcap-vectors.json}.
 */
final class CollateralSets {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private CollateralSets() {}

  /**
   * One DCAP vector's collateral.
   *
   * @param spec the vector's {@code collateral} object from {@code dcap-vectors.json}
   * @param expected the vector's entry in {@code EXPECTED.json}
   */
  record VectorCollateral(String id, JsonNode spec, JsonNode expected) {
    Collateral read() throws CollateralFormatException {
      return CollateralSets.read(spec);
    }
  }

  static List<VectorCollateral> vectors() {
    Map<String, JsonNode> expected = new LinkedHashMap<>();
    for (JsonNode vector : TestVectors.expected().get("dcap")) {
      expected.put(vector.get("id").asString(), vector);
    }
    List<VectorCollateral> out = new ArrayList<>();
    for (JsonNode vector : mapping().get("vectors")) {
      String id = vector.get("id").asString();
      out.add(new VectorCollateral(id, vector.get("collateral"), expected.get(id)));
    }
    return out;
  }

  /** The distinct collateral sets (several vectors share one). */
  static List<JsonNode> distinctSpecs() {
    Map<String, JsonNode> distinct = new LinkedHashMap<>();
    for (VectorCollateral vector : vectors()) {
      distinct.putIfAbsent(vector.spec().toString(), vector.spec());
    }
    return List.copyOf(distinct.values());
  }

  static Collateral read(JsonNode spec) throws CollateralFormatException {
    if (spec.get("format").asString().equals("dcap-qvl")) {
      return DcapQvlCollateralReader.read(bytes(spec.get("file").asString()));
    }
    return PcsCollateralReader.read(
        bytes(spec.get("tcb_info").asString()),
        bytes(spec.get("qe_identity").asString()),
        bytes(spec.get("pck_crl").asString()),
        bytes(spec.get("root_ca_crl").asString()),
        chain(spec.get("pck_crl_issuer_chain")),
        chain(spec.get("tcb_info_issuer_chain")),
        chain(spec.get("qe_identity_issuer_chain")));
  }

  static ByteString bytes(String relative) {
    return ByteString.of(TestVectors.bytes(relative));
  }

  static List<X509Certificate> chain(String... files) throws CollateralFormatException {
    List<ByteString> data = new ArrayList<>();
    for (String file : files) {
      data.add(bytes(file));
    }
    return CertificateChainReader.read(data, "chain");
  }

  private static List<X509Certificate> chain(JsonNode files) throws CollateralFormatException {
    List<String> names = new ArrayList<>();
    files.forEach(file -> names.add(file.asString()));
    return chain(names.toArray(String[]::new));
  }

  private static JsonNode mapping() {
    try (InputStream in =
        CollateralSets.class.getResourceAsStream(
            "/dev/mse/attestation/vectors/dcap-vectors.json")) {
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
