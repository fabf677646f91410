package dev.mse.cli.owner;

import dev.mse.attestation.codec.ByteString;
import dev.mse.cli.Json;
import dev.mse.cli.PrivateFiles;
import dev.mse.cli.UserError;
import dev.mse.cli.UserFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code evidence.json}, what the SGX operator hands the code provider (MSE's home evidence file,
 * dossier §3.10, with our evidence in place of the PCCS fields):
 *
 * <pre>
 * {"input_args": {"subject_alternative_name", "expiration_date" (unix s), "size" (MB), "app_id",
 *                 "application", "host", "port", "tee"},
 *  "ratls_certificate": PEM, "claims": base64 CBOR, "quote": base64, "collateral": bundle JSON,
 *  "deployment_config": the canonical deployment config JSON, as a string,
 *  "runtime_measurement": hex of the operator's runtime distribution}
 * </pre>
 *
 * Nothing here is trusted by itself: {@code mse home verify} checks the certificate (which carries
 * its own claims, quote and collateral) against the package and the deployment config.
 */
public record EvidenceFile(
    InputArgs inputArgs,
    String certificatePem,
    ByteString claims,
    ByteString quote,
    Optional<String> collateral,
    String deploymentConfig,
    String runtimeMeasurement) {

  /** What the runtime was started with, as MSE recorded it. */
  public record InputArgs(
      String subjectAlternativeName,
      long expirationDate,
      int size,
      UUID appId,
      String application,
      String host,
      int port,
      String tee) {}

  public byte[] deploymentConfigBytes() {
    return deploymentConfig.getBytes(StandardCharsets.UTF_8);
  }

  public ObjectNode toJson() {
    ObjectNode n = Json.object();
    ObjectNode args = n.putObject("input_args");
    args.put("subject_alternative_name", inputArgs.subjectAlternativeName());
    args.put("expiration_date", inputArgs.expirationDate());
    args.put("size", inputArgs.size());
    args.put("app_id", inputArgs.appId().toString());
    args.put("application", inputArgs.application());
    args.put("host", inputArgs.host());
    args.put("port", inputArgs.port());
    args.put("tee", inputArgs.tee());
    n.put("ratls_certificate", certificatePem);
    n.put("claims", Base64.getEncoder().encodeToString(claims.toByteArray()));
    n.put("quote", Base64.getEncoder().encodeToString(quote.toByteArray()));
    n.put("collateral", collateral.orElse(null));
    n.put("deployment_config", deploymentConfig);
    n.put("runtime_measurement", runtimeMeasurement);
    return n;
  }

  public void write(Path file) {
    PrivateFiles.writePublic(file, (Json.write(toJson()) + "\n").getBytes(StandardCharsets.UTF_8));
  }

  public static EvidenceFile read(Path file) {
    byte[] bytes = UserFiles.read(file, "evidence file");
    try {
      JsonNode n = Json.MAPPER.readTree(bytes);
      JsonNode args = n.required("input_args");
      JsonNode collateral = n.path("collateral");
      return new EvidenceFile(
          new InputArgs(
              args.required("subject_alternative_name").asString(),
              args.required("expiration_date").asLong(),
              args.required("size").asInt(),
              UUID.fromString(args.required("app_id").asString()),
              args.required("application").asString(),
              args.required("host").asString(),
              args.required("port").asInt(),
              args.required("tee").asString()),
          n.required("ratls_certificate").asString(),
          ByteString.of(Base64.getDecoder().decode(n.required("claims").asString())),
          ByteString.of(Base64.getDecoder().decode(n.required("quote").asString())),
          collateral.isString() ? Optional.of(collateral.asString()) : Optional.empty(),
          n.required("deployment_config").asString(),
          n.required("runtime_measurement").asString());
    } catch (JacksonException | IllegalArgumentException e) {
      throw new UserError(
          "the evidence file " + file + " is not mse evidence: " + e.getMessage(), e);
    }
  }
}
