package dev.mse.enclave.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.ratls.AttestationClaims;
import dev.mse.attestation.ratls.RaTlsCertificate;
import dev.mse.attestation.ratls.RaTlsOptions;
import dev.mse.attestation.ratls.RaTlsSslContexts;
import dev.mse.attestation.ratls.RaTlsTrustManager;
import dev.mse.attestation.ratls.RaTlsVerifier;
import dev.mse.enclave.tee.SimulationBackend;
import dev.mse.protocol.pkg.PackageKey;
import dev.mse.protocol.provisioning.ProvisioningMessage;
import dev.mse.protocol.provisioning.ProvisioningSeal;
import dev.mse.protocol.provisioning.SecretSeal;
import dev.mse.protocol.provisioning.X25519KeyPair;
import dev.mse.protocol.provisioning.X25519PublicKey;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The runtime in this JVM, on loopback: waiting, verified, provisioned, running, restarted. */
class EnclaveRuntimeTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final ByteString MEASUREMENT = RuntimeFixture.MEASUREMENT;

  private static SimulationBackend tee(Path work) {
    return RuntimeFixture.simulation(work);
  }

  private static HttpClient ownerClient(RuntimeFixture f) {
    return f.client();
  }

  private static RaTlsTrustManager trustManager(RuntimeFixture f) {
    return f.trustManager();
  }

  private static HttpResponse<String> get(HttpClient client, int port, String path)
      throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("https://localhost:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> provision(
      HttpClient client, int port, byte[] sealed, String secretsJson) throws Exception {
    String body =
        "{\"sealed_message\":\""
            + Base64.getEncoder().encodeToString(sealed)
            + "\""
            + (secretsJson == null ? "" : ",\"secrets\":" + secretsJson)
            + "}";
    // HTTP/1.1: a refusal (409) answers before reading the body; over HTTP/2 the server then
    // resets the stream, and the JDK's client may drop the answer it already received.
    return client.send(
        HttpRequest.newBuilder(
                URI.create("https://localhost:" + port + "/.well-known/mse/provision"))
            .version(HttpClient.Version.HTTP_1_1)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Sends {@code head} and then {@code body} on a fresh HTTP/1.1 connection and reads the answer's
   * status line, without sending anything more: an answer proves the runtime did not wait for the
   * rest of a body it was announced.
   */
  private static String statusLineAfter(RuntimeFixture f, int port, String head, byte[] body)
      throws Exception {
    try (SSLSocket socket =
        (SSLSocket)
            RaTlsSslContexts.client(trustManager(f))
                .getSocketFactory()
                .createSocket("localhost", port)) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      return new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1))
          .readLine();
    }
  }

  private static String provisionHead(String framing) {
    return "POST /.well-known/mse/provision HTTP/1.1\r\nHost: localhost\r\n"
        + "Content-Type: application/json\r\n"
        + framing
        + "\r\n\r\n";
  }

  /** {@code size} bytes of body as 64 KiB chunks, with no last chunk: the stream goes on. */
  private static byte[] unendingChunks(int size) {
    java.io.ByteArrayOutputStream chunks = new java.io.ByteArrayOutputStream();
    byte[] chunk = new byte[64 * 1024];
    java.util.Arrays.fill(chunk, (byte) ' ');
    for (int sent = 0; sent < size; sent += chunk.length) {
      chunks.writeBytes("10000\r\n".getBytes(StandardCharsets.ISO_8859_1));
      chunks.writeBytes(chunk);
      chunks.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }
    return chunks.toByteArray();
  }

  private static AttestationClaims claimsOf(HttpClient client, int port) throws Exception {
    JsonNode n = evidence(client, port, "nonce=0102");
    return AttestationClaims.decode(Base64.getDecoder().decode(n.get("claims").asString()));
  }

  private static JsonNode evidence(HttpClient client, int port, String query) throws Exception {
    HttpResponse<String> r = get(client, port, "/.well-known/mse/evidence?" + query);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static String awaitState(HttpClient client, int port, String wanted) throws Exception {
    String state = "";
    for (int i = 0; i < 300 && !state.equals(wanted) && !state.equals("failed"); i++) {
      state =
          JSON.readTree(get(client, port, "/.well-known/mse/status").body())
              .get("state")
              .asString();
      if (!state.equals(wanted)) {
        Thread.sleep(50);
      }
    }
    return state;
  }

  private static byte[] seal(
      RuntimeFixture f,
      X25519KeyPair sender,
      AttestationClaims claims,
      PackageKey key,
      String ownerSecrets) {
    X25519PublicKey enclave = X25519PublicKey.of(claims.hpkePublicKey().toByteArray());
    Optional<ByteString> sealedSecrets =
        ownerSecrets == null
            ? Optional.empty()
            : Optional.of(
                ByteString.of(
                    SecretSeal.seal(
                        ownerSecrets.getBytes(StandardCharsets.UTF_8), f.appId, sender, enclave)));
    return ProvisioningSeal.seal(
        new ProvisioningMessage(f.appId, key, Optional.empty(), Optional.empty(), sealedSecrets),
        sender,
        enclave,
        claims.configSha256());
  }

  @Test
  void waitsIsVerifiedProvisionedRunsAndRestartsFromSealedState(@TempDir Path work)
      throws Exception {
    RuntimeFixture f = new RuntimeFixture(work);
    RuntimeOptions options = f.options(work);
    int port;
    X509Certificate certificate;
    try (EnclaveRuntime runtime =
        EnclaveRuntime.start(options, tee(work), f.config, f.appPackage)) {
      port = runtime.port();
      certificate = runtime.attested().chain().getFirst();
      HttpClient owner = ownerClient(f);

      HttpResponse<String> waiting = get(owner, port, "/");
      assertThat(waiting.statusCode())
          .as("the enclave port serves only the runtime's routes")
          .isEqualTo(404);
      assertThat(waiting.headers().firstValue("Mse-Status")).contains("waiting");

      AttestationClaims claims = claimsOf(owner, port);
      assertThat(claims.state()).isEqualTo(AttestationClaims.State.WAITING);
      assertThat(claims.nonce()).contains(ByteString.fromHex("0102"));
      assertThat(claims.packageSha256()).isEqualTo(f.appPackage.packageSha256());

      HttpResponse<String> accepted =
          provision(
              owner,
              port,
              seal(f, f.owner, claims, f.codeKey, "{\"api_key\":\"s3cret\"}"),
              "{\"region\":\"eu\"}");
      assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
      assertThat(awaitState(owner, port, "running")).isEqualTo("running");

      HttpResponse<String> hello = get(owner, options.appPort(), "/hello");
      assertThat(hello.statusCode()).isEqualTo(200);
      assertThat(hello.version())
          .as("the app's own TLS, verified as the enclave's")
          .isEqualTo(HttpClient.Version.HTTP_1_1);
      assertThat(hello.body())
          .isEqualTo("hello from the enclave; sealed secrets: {\"api_key\":\"s3cret\"}");
      assertThat(get(owner, port, "/hello").statusCode()).isEqualTo(404);

      HttpResponse<String> again =
          provision(owner, port, seal(f, f.owner, claims, f.codeKey, null), null);
      assertThat(again.statusCode()).isEqualTo(409);
      assertThat(
              statusLineAfter(
                  f, port, provisionHead("Content-Length: " + 63 * 1024 * 1024), new byte[0]))
          .as("a running enclave refuses provisioning before reading a 63 MiB body")
          .startsWith("HTTP/1.1 409 ");
    }

    RuntimeOptions again = f.options(work);
    try (EnclaveRuntime restarted =
        EnclaveRuntime.start(again, tee(work), f.config, f.appPackage)) {
      HttpClient owner = ownerClient(f);
      assertThat(awaitState(owner, restarted.port(), "running")).isEqualTo("running");
      assertThat(get(owner, again.appPort(), "/hello").body()).contains("s3cret");
      assertThat(restarted.attested().chain().getFirst())
          .as("a restarted enclave serves its sealed certificate")
          .isEqualTo(certificate);
    }
  }

  @Test
  void statusAndEvidenceShowTheMemoryTheAppGets(@TempDir Path work) throws Exception {
    RuntimeFixture f = new RuntimeFixture(work);
    try (EnclaveRuntime runtime =
        EnclaveRuntime.start(f.options(work), tee(work), f.config, f.appPackage)) {
      HttpClient owner = ownerClient(f);
      JsonNode status = JSON.readTree(get(owner, runtime.port(), "/.well-known/mse/status").body());
      JsonNode evidence = evidence(owner, runtime.port(), "nonce=01");

      for (JsonNode n : new JsonNode[] {status, evidence}) {
        assertThat(n.get("memory").get("heap_max_bytes").asLong())
            .isEqualTo(Runtime.getRuntime().maxMemory());
        assertThat(n.get("memory").get("direct_max_bytes").asLong()).isPositive();
      }
    }
  }

  @Test
  void evidenceIsForTheKeyTheVerifierNamesAndOnlyForKeysOfThisEnclave(@TempDir Path work)
      throws Exception {
    RuntimeFixture f = new RuntimeFixture(work);
    try (EnclaveRuntime runtime =
        EnclaveRuntime.start(f.options(work), tee(work), f.config, f.appPackage)) {
      HttpClient owner = ownerClient(f);
      X509Certificate enclave = runtime.attested().chain().getFirst();
      ByteString spki = RaTlsCertificate.pubkeyHash(enclave.getPublicKey());

      JsonNode named = evidence(owner, runtime.port(), "nonce=02&spki=" + spki.hex());
      AttestationClaims claims =
          AttestationClaims.decode(Base64.getDecoder().decode(named.get("claims").asString()));
      assertThat(claims.pubkeyHash()).isEqualTo(spki);
      assertThat(named.get("certificate").asString()).contains("BEGIN CERTIFICATE");
      assertThat(claimsOf(owner, runtime.port()).pubkeyHash())
          .as("without spki: the RA-TLS key")
          .isEqualTo(spki);

      HttpResponse<String> other =
          get(owner, runtime.port(), "/.well-known/mse/evidence?nonce=02&spki=" + "00".repeat(32));
      assertThat(other.statusCode()).isEqualTo(404);
      assertThat(other.body()).contains("not a key of this enclave");
      assertThat(get(owner, runtime.port(), "/.well-known/mse/evidence?spki=zz").statusCode())
          .isEqualTo(400);
    }
  }

  @Test
  void refusesAnOversizedProvisioningRequestWithoutReadingItAndKeepsWaiting(@TempDir Path work)
      throws Exception {
    RuntimeFixture f = new RuntimeFixture(work);
    try (EnclaveRuntime runtime =
        EnclaveRuntime.start(f.options(work), tee(work), f.config, f.appPackage)) {
      int port = runtime.port();
      int overCap = RuntimeHandler.MAX_PROVISIONING_BODY + 1;

      assertThat(statusLineAfter(f, port, provisionHead("Content-Length: " + overCap), new byte[0]))
          .as("a declared length over the cap is refused before any byte of the body")
          .startsWith("HTTP/1.1 413 ");
      assertThat(
              statusLineAfter(
                  f,
                  port,
                  provisionHead("Transfer-Encoding: chunked"),
                  unendingChunks(overCap + 64 * 1024)))
          .as("a chunked body is refused once it passes the cap, while it still streams")
          .startsWith("HTTP/1.1 413 ");

      assertThat(runtime.status().state()).isEqualTo(AttestationClaims.State.WAITING);
      HttpClient owner = ownerClient(f);
      HttpResponse<String> accepted =
          provision(owner, port, seal(f, f.owner, claimsOf(owner, port), f.codeKey, null), null);
      assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    }
  }

  @Test
  void refusesAMessageFromAnotherKeyAndKeepsWaiting(@TempDir Path work) throws Exception {
    RuntimeFixture f = new RuntimeFixture(work);
    try (EnclaveRuntime runtime =
        EnclaveRuntime.start(f.options(work), tee(work), f.config, f.appPackage)) {
      HttpClient owner = ownerClient(f);
      AttestationClaims claims = claimsOf(owner, runtime.port());

      HttpResponse<String> forged =
          provision(
              owner,
              runtime.port(),
              seal(f, X25519KeyPair.generate(), claims, f.codeKey, null),
              null);

      assertThat(forged.statusCode()).isEqualTo(403);
      assertThat(runtime.status().state()).isEqualTo(AttestationClaims.State.WAITING);
      assertThat(
              provision(owner, runtime.port(), "garbage".getBytes(StandardCharsets.UTF_8), null)
                  .statusCode())
          .isEqualTo(403);
      assertThat(runtime.status().state()).isEqualTo(AttestationClaims.State.WAITING);
    }
  }

  @Test
  void aWrongCodeKeyFailsAndServesNothingFromTheApp(@TempDir Path work) throws Exception {
    RuntimeFixture f = new RuntimeFixture(work);
    try (EnclaveRuntime runtime =
        EnclaveRuntime.start(f.options(work), tee(work), f.config, f.appPackage)) {
      HttpClient owner = ownerClient(f);
      AttestationClaims claims = claimsOf(owner, runtime.port());

      assertThat(
              provision(
                      owner,
                      runtime.port(),
                      seal(f, f.owner, claims, PackageKey.generate(), null),
                      null)
                  .statusCode())
          .isEqualTo(202);

      assertThat(awaitState(owner, runtime.port(), "running")).isEqualTo("failed");
      HttpResponse<String> r = get(owner, runtime.port(), "/hello");
      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(r.headers().firstValue("Mse-Status")).contains("failed");
      assertThat(runtime.status().failure().orElseThrow())
          .contains("the code key does not open the package");
    }
  }

  @Test
  void theServedCertificateVerifiesAndBindsTheTlsKey(@TempDir Path work) throws Exception {
    RuntimeFixture f = new RuntimeFixture(work);
    try (EnclaveRuntime runtime =
        EnclaveRuntime.start(f.options(work), tee(work), f.config, f.appPackage)) {
      X509Certificate served = runtime.attested().chain().getFirst();
      var appraisal =
          RaTlsVerifier.standard()
              .verify(
                  served,
                  AppraisalPolicy.defaults().withAllowSimulation(true),
                  Instant.now(),
                  RaTlsOptions.none().withPackageSha256(f.appPackage.packageSha256()));
      assertThat(appraisal.accepted()).as(appraisal.describe()).isTrue();
      assertThat(appraisal.claims().orElseThrow().pubkeyHash())
          .isEqualTo(RaTlsCertificate.pubkeyHash(served.getPublicKey()));
      assertThat(appraisal.quote().orElseThrow().measurements())
          .containsEntry("mrenclave", MEASUREMENT.hex());
    }
  }
}
