package dev.mse.enclave.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.codec.X509Codec;
import dev.mse.attestation.ratls.AttestationClaims.State;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app's TLS identity and code sit in the secrets directory (a tmpfs in production), readable by
 * the runtime's user only, and are gone once the runtime closes.
 */
class AppTlsFilesTest {
  @Test
  void theKeyFilesAreOwnerOnlyAndRemovedWhenTheRuntimeCloses(@TempDir Path work) throws Exception {
    RuntimeFixture f = new RuntimeFixture(work);
    RuntimeOptions options = f.options(work);
    Path tls = options.secretsDir().resolve("tls");
    try (EnclaveRuntime runtime =
        f.startedAndProvisioned(options, RuntimeFixture.simulation(work))) {
      assertThat(runtime.status().state()).as("%s", runtime.status()).isEqualTo(State.RUNNING);

      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls)))
          .isEqualTo("rwx------");
      for (String file : new String[] {"cert.pem", "key.pem"}) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.resolve(file))))
            .as(file)
            .isEqualTo("rw-------");
      }
      assertThat(X509Codec.certificates(Files.readAllBytes(tls.resolve("cert.pem"))))
          .containsExactlyElementsOf(runtime.attested().chain());
      assertThat(Files.readString(tls.resolve("key.pem")))
          .startsWith("-----BEGIN PRIVATE KEY-----");
      assertThat(System.getProperty("server.ssl.certificate"))
          .isEqualTo("file:" + tls.resolve("cert.pem"));
      assertThat(options.secretsDir().resolve("app/app.jar")).exists();
    }
    assertThat(tls).doesNotExist();
    assertThat(options.secretsDir().resolve("app")).doesNotExist();
    assertThat(System.getProperty("mse.tls.key")).isNull();
  }
}
