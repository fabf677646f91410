package dev.mse.cli.home;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mse.attestation.codec.X509Codec;
import dev.mse.cli.Json;
import dev.mse.cli.MseCli;
import dev.mse.cli.enclave.ServedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code mse home spawn --subject}: the subject of the RA-TLS certificate the enclave makes,
 * carried in the deployment config (so in config-sha256), served by the running enclave, and
 * verified as any other; a name that is not an X.500 name is one clear error line, before anything
 * starts.
 */
class HomeSpawnSubjectTest {
  @TempDir Path work;

  @Test
  void theEnclaveServesItsCertificateUnderTheSubjectGivenAndStillVerifies() throws Exception {
    assumeTrue(
        HomeFlow.runtimeBuilt(),
        "no runtime distribution: build it with ./mvnw package -pl enclave -am");
    try (HomeFlow flow = new HomeFlow(work, "subj")) {
      // Not an X.500 name: refused with one line, nothing spawned.
      MseCli.Run bad =
          flow.cli(
                  "home",
                  "spawn",
                  "bad",
                  "--package",
                  flow.packageFile.toString(),
                  "--san",
                  HomeFlow.SAN,
                  "--port",
                  Integer.toString(HomeFlow.freePort()),
                  "--host",
                  "127.0.0.1",
                  "--size",
                  "1024",
                  "--output",
                  work.resolve("node-bad").toString(),
                  "--runtime",
                  HomeFlow.RUNTIME.toString(),
                  "--subject",
                  "no equals sign")
              .failed();
      assertThat(bad.err().strip().lines()).singleElement().asString().contains("--subject");
      assertThat(work.resolve("node-bad")).doesNotExist();

      // Spaces after the commas are fine: the config holds the RFC 2253 form.
      JsonNode spawned =
          Json.MAPPER.readTree(
              flow.spawn(
                      "subj",
                      HomeFlow.freePort(),
                      "--subject",
                      "CN=Subject Test, O=Example Org, C=FR",
                      "--json")
                  .out());
      X500Principal expected = new X500Principal("CN=Subject Test,O=Example Org,C=FR");
      String config = Files.readString(flow.node("subj").resolve("deployment.json"));
      assertThat(config).contains("\"certificate_subject\":\"CN=Subject Test,O=Example Org,C=FR\"");

      // The certificate the enclave serves (read, not trusted: the verify below decides).
      X509Certificate served =
          ServedCertificate.fetch(
              "the enclave",
              "127.0.0.1",
              spawned.path("enclave_port").asInt(),
              Optional.of(HomeFlow.SAN));
      assertThat(served.getSubjectX500Principal()).isEqualTo(expected);
      assertThat(served.getIssuerX500Principal()).isEqualTo(expected);
      assertThat(served.getSubjectAlternativeNames())
          .anySatisfy(san -> assertThat(san.get(1)).isEqualTo(HomeFlow.SAN));

      // The code provider's verify accepts it, and writes that same certificate.
      Path cp = work.resolve("cp-subj");
      flow.verify("subj", cp);
      X509Certificate verified =
          X509Codec.certificates(Files.readAllBytes(cp.resolve("ratls.pem"))).getFirst();
      assertThat(verified.getSubjectX500Principal()).isEqualTo(expected);
      assertThat(verified).isEqualTo(served);
    }
  }
}
