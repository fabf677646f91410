package dev.mse.enclave.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.ratls.AppTls;
import dev.mse.attestation.ratls.AttestationClaims.State;
import dev.mse.enclave.tee.GramineSgxBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tls = "runtime"}: the runtime serves the app port with the enclave's TLS (Jetty, HTTP/2
 * and HTTP/1.1) and Jetty's reverse proxy forwards to the app's plain HTTP on a loopback port;
 * under SGX, where loopback is the host's, it is refused at start and the app never runs.
 */
class RuntimeTlsTest {
  @Test
  void theRuntimeTerminatesTlsAndProxiesToThePlainApp(@TempDir Path work) throws Exception {
    RuntimeFixture f = new RuntimeFixture(work, RuntimeFixture.APP_SOURCE, AppTls.RUNTIME);
    RuntimeOptions options = f.options(work);
    try (EnclaveRuntime runtime =
        f.startedAndProvisioned(options, RuntimeFixture.simulation(work))) {
      assertThat(runtime.status().state()).as("%s", runtime.status()).isEqualTo(State.RUNNING);
      assertThat(Files.exists(options.secretsDir().resolve("tls/key.pem")))
          .as("the app gets no key")
          .isFalse();

      HttpClient client = f.client();
      for (HttpClient.Version version : HttpClient.Version.values()) {
        HttpResponse<String> hello =
            client.send(
                HttpRequest.newBuilder(
                        URI.create("https://localhost:" + options.appPort() + "/hello"))
                    .version(version)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(hello.statusCode()).isEqualTo(200);
        assertThat(hello.version()).isEqualTo(version);
        assertThat(hello.body()).startsWith("hello from the enclave");
      }
    }
  }

  @Test
  void underSgxItIsRefusedAtStartAndTheAppNeverRuns(@TempDir Path work) throws Exception {
    RuntimeFixture f = new RuntimeFixture(work, RuntimeFixture.APP_SOURCE, AppTls.RUNTIME);
    RuntimeOptions options = f.options(work);
    try (EnclaveRuntime runtime =
        f.startedAndProvisioned(
            options, new GramineSgxBackend(RuntimeFixture.gramineAttestation(work)))) {
      assertThat(runtime.status().state()).isEqualTo(State.FAILED);
      assertThat(runtime.status().failure().orElseThrow())
          .contains("tls = \"runtime\" is refused under gramine-sgx");
      assertThat(options.secretsDir().resolve("app")).doesNotExist();
    }
  }
}
