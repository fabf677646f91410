package dev.mse.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.ratls.SslOrigin;
import dev.mse.operator.apps.AppDomains;
import dev.mse.operator.testing.ApiClient;
import dev.mse.operator.testing.ApiClient.Res;
import dev.mse.operator.testing.Deployments;
import dev.mse.operator.testing.OperatorFixture;
import dev.mse.operator.testing.TestDatabase;
import dev.mse.protocol.config.AppFields;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stable addresses: an app redeployed under the same name in the same project keeps its domain
 * ({@link AppDomains}); another project's app of the same name gets another; two live apps never
 * share one; each deployment keeps its own app id, hence its own enclave name.
 */
class StableDomainTest {
  private static final String DOMAIN = "mse.localhost";

  @TempDir Path dir;
  OperatorFixture fx;
  ApiClient alice;

  @BeforeEach
  void start() throws Exception {
    fx = OperatorFixture.start(TestDatabase.Kind.H2, dir);
    alice = fx.signedIn("alice@example.com");
  }

  @AfterEach
  void stop() throws Exception {
    fx.close();
  }

  @Test
  void aRedeployedAppKeepsItsDomainAndTwoLiveAppsNeverShareIt() throws Exception {
    UUID project = projectId(alice, "default");
    String domain = AppDomains.stable(project, "shop", DOMAIN);

    Res first = deploy(alice, "default", "shop", domain);
    assertThat(first.status()).as(first.body()).isEqualTo(201);
    assertThat(first.json().get("domain").asString()).isEqualTo(domain);
    String firstId = first.json().get("id").asString();
    assertThat(first.json().get("enclave_domain").asString())
        .isEqualTo(firstId + ".enclave." + DOMAIN);

    // while it lives, no other deployment gets its name
    Res second = deploy(alice, "default", "shop", domain);
    assertThat(second.status()).as(second.body()).isEqualTo(409);
    assertThat(second.errorCode()).isEqualTo("domain_taken");

    // stopped, then redeployed under the same name: the same domain, a new app id and enclave name
    assertThat(alice.postEmpty("/api/v1/apps/" + firstId + "/stop").status()).isEqualTo(202);
    Res again = deploy(alice, "default", "shop", domain);
    assertThat(again.status()).as(again.body()).isEqualTo(201);
    assertThat(again.json().get("domain").asString()).isEqualTo(domain);
    String againId = again.json().get("id").asString();
    assertThat(againId).isNotEqualTo(firstId);
    assertThat(again.json().get("enclave_domain").asString())
        .isEqualTo(againId + ".enclave." + DOMAIN);
  }

  @Test
  void anotherProjectsAppOfTheSameNameGetsAnotherDomainAndCannotTakeThisOne() throws Exception {
    Res created = alice.post("/api/v1/projects", Map.of("name", "research"));
    assertThat(created.status()).isEqualTo(201);
    ApiClient bob = fx.signedIn("bob@example.com");
    String alices = AppDomains.stable(projectId(alice, "default"), "shop", DOMAIN);
    String research = AppDomains.stable(projectId(alice, "research"), "shop", DOMAIN);
    String bobs = AppDomains.stable(projectId(bob, "default"), "shop", DOMAIN);
    assertThat(alices).isNotEqualTo(research).isNotEqualTo(bobs);
    assertThat(research).isNotEqualTo(bobs);

    // Bob cannot deploy under Alice's name, even before she does
    Res squat = deploy(bob, "default", "shop", alices);
    assertThat(squat.status()).as(squat.body()).isEqualTo(400);
    assertThat(squat.errorCode()).isEqualTo("invalid_domain");
    // nor under the name of the same app in another of Alice's projects
    assertThat(deploy(alice, "default", "shop", research).errorCode()).isEqualTo("invalid_domain");

    assertThat(deploy(alice, "default", "shop", alices).status()).isEqualTo(201);
    assertThat(deploy(alice, "research", "shop", research).status()).isEqualTo(201);
    assertThat(deploy(bob, "default", "shop", bobs).status()).isEqualTo(201);
  }

  @Test
  void theNameIsADnsLabelOfTheAppsNameAndATagOfProjectAndName() {
    UUID p = UUID.fromString("3f2a6f2e-8f1c-4a55-9d0e-6b1f0c2d9e7a");
    String shop = AppDomains.stable(p, "My Shop!", DOMAIN);
    assertThat(shop).matches("my-shop-[0-9a-f]{10}\\.mse\\.localhost");
    assertThat(AppDomains.stable(p, "My Shop!", DOMAIN)).isEqualTo(shop);
    // names that make the same label still differ by their tag
    assertThat(AppDomains.stable(p, "my shop", DOMAIN)).startsWith("my-shop-").isNotEqualTo(shop);
    assertThat(AppDomains.stable(p, "日本", DOMAIN)).matches("app-[0-9a-f]{10}\\.mse\\.localhost");
    assertThat(AppDomains.stable(p, "x".repeat(255), DOMAIN))
        .matches("x{40}-[0-9a-f]{10}\\.mse\\.localhost");
    for (String name : new String[] {"-a-", "a--b", "A.B_C", " ", "ünïcödé"}) {
      String d = AppDomains.stable(p, name, DOMAIN);
      assertThat(AppFields.isDomainName(d)).as(d).isTrue();
      assertThat(d.substring(0, d.indexOf('.'))).doesNotStartWith("-").doesNotContain("--");
    }
  }

  private static UUID projectId(ApiClient client, String name) throws Exception {
    for (var p : client.get("/api/v1/projects").json().get("items")) {
      if (p.get("name").asString().equals(name)) {
        return UUID.fromString(p.get("id").asString());
      }
    }
    throw new AssertionError("no project " + name);
  }

  private static Res deploy(ApiClient client, String project, String name, String domain)
      throws Exception {
    var d =
        Deployments.deployment(
            UUID.randomUUID(),
            name,
            SslOrigin.SELF,
            domain,
            Instant.now().plus(1, ChronoUnit.DAYS),
            Optional.empty());
    return client.deploy(project, "4g", d.configBytes(), d.packageBytes());
  }
}
