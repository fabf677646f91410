package dev.mse.cli.home;

import dev.mse.attestation.codec.ByteString;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An app spawned on this machine, as recorded in {@code $MSE_CONF_PATH/home/<name>.json}: what
 * {@code mse home spawn} was given and chose, enough to fetch evidence, provision, watch, stop and
 * restart its runtime. The runtime's files live in {@link #output()}.
 *
 * @param port the app's port, where the app serves its own TLS and users call it
 * @param enclavePort the runtime's own port: status, evidence, provisioning
 * @param runtime the runtime distribution it runs
 * @param secretsDir the tmpfs directory where the runtime writes the app's secrets files
 * @param provisioningTimeoutMinutes how long the runtime waits for its owner ({@code --timeout})
 * @param allowSimulation whether simulated evidence is accepted from a hardware backend ({@code
 *     spawn --allow-simulation}: a {@code tsm} runtime served by the simulated SEV-SNP signer)
 * @param pccs the PCCS given at spawn ({@code --pccs}): the runtime gets its collateral there, and
 *     this machine's checks of the runtime fetch there when the runtime's is missing or out of date
 */
record HomeApp(
    String name,
    UUID appId,
    Path output,
    ByteString packageSha256,
    String san,
    String host,
    int port,
    int enclavePort,
    int sizeMb,
    Instant expires,
    String tee,
    Path runtime,
    Path secretsDir,
    long provisioningTimeoutMinutes,
    Instant startedAt,
    boolean allowSimulation,
    Optional<URI> pccs) {

  Path packageFile() {
    return output.resolve("package.tar");
  }

  Path configFile() {
    return output.resolve("deployment.json");
  }

  Path logFile() {
    return output.resolve("runtime.log");
  }

  Path pidFile() {
    return output.resolve("runtime.pid");
  }

  Path stateDir() {
    return output.resolve("state");
  }

  Path dataDir() {
    return output.resolve("data");
  }

  Path evidenceFile() {
    return output.resolve("evidence.json");
  }

  Path certificateFile() {
    return output.resolve("ratls.pem");
  }

  /** Whether this app's evidence may be (and is expected to be) SIMULATED. */
  boolean simulated() {
    return tee.equals("simulation") || allowSimulation;
  }

  /** The address this machine reaches the runtime at: loopback when it listens everywhere. */
  String connectHost() {
    return host.equals("0.0.0.0") || host.equals("::") || host.isBlank() ? "127.0.0.1" : host;
  }

  HomeApp withStartedAt(Instant at) {
    return new HomeApp(
        name,
        appId,
        output,
        packageSha256,
        san,
        host,
        port,
        enclavePort,
        sizeMb,
        expires,
        tee,
        runtime,
        secretsDir,
        provisioningTimeoutMinutes,
        at,
        allowSimulation,
        pccs);
  }

  /** The same app, checked (and restarted) with the PCCS at {@code given} when there is one. */
  HomeApp withPccs(Optional<URI> given) {
    if (given.isEmpty()) {
      return this;
    }
    return new HomeApp(
        name,
        appId,
        output,
        packageSha256,
        san,
        host,
        port,
        enclavePort,
        sizeMb,
        expires,
        tee,
        runtime,
        secretsDir,
        provisioningTimeoutMinutes,
        startedAt,
        allowSimulation,
        given);
  }

  ObjectNode toJson() {
    ObjectNode n = dev.mse.cli.Json.object();
    n.put("name", name);
    n.put("app_id", appId.toString());
    n.put("output", output.toString());
    n.put("package_sha256", packageSha256.hex());
    n.put("san", san);
    n.put("host", host);
    n.put("port", port);
    n.put("enclave_port", enclavePort);
    n.put("size", sizeMb);
    n.put("expires", expires.toString());
    n.put("tee", tee);
    n.put("runtime", runtime.toString());
    n.put("secrets_dir", secretsDir.toString());
    n.put("timeout_minutes", provisioningTimeoutMinutes);
    n.put("started_at", startedAt.toString());
    if (allowSimulation) {
      n.put("allow_simulation", true);
    }
    pccs.ifPresent(url -> n.put("pccs_url", url.toString()));
    return n;
  }

  static HomeApp fromJson(JsonNode n) {
    return new HomeApp(
        text(n, "name"),
        UUID.fromString(text(n, "app_id")),
        Path.of(text(n, "output")),
        ByteString.fromHex(text(n, "package_sha256")),
        text(n, "san"),
        text(n, "host"),
        n.required("port").asInt(),
        n.required("enclave_port").asInt(),
        n.required("size").asInt(),
        Instant.parse(text(n, "expires")),
        text(n, "tee"),
        Path.of(text(n, "runtime")),
        Path.of(text(n, "secrets_dir")),
        n.required("timeout_minutes").asLong(),
        Instant.parse(text(n, "started_at")),
        n.path("allow_simulation").asBoolean(false),
        n.path("pccs_url").isString()
            ? Optional.of(URI.create(n.path("pccs_url").asString()))
            : Optional.empty());
  }

  private static String text(JsonNode n, String field) {
    return n.required(field).asString();
  }
}
