package dev.mse.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.operator.OperatorConfig;
import dev.mse.operator.testing.ApiClient;
import dev.mse.operator.testing.ApiClient.Res;
import dev.mse.operator.testing.Deployments;
import dev.mse.operator.testing.OperatorFixture;
import dev.mse.operator.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator-wide cap, sign-up limits and token expiry (finding 10 and the token finding). */
class TenantLimitsTest {
  private static final String DOMAIN = "mse.localhost";

  @TempDir Path dir;
  OperatorFixture fx;

  private void start(UnaryOperator<OperatorConfig> customize) throws Exception {
    fx = OperatorFixture.start(TestDatabase.Kind.H2, dir, customize);
  }

  @AfterEach
  void stop() throws Exception {
    if (fx != null) {
      fx.close();
    }
  }

  private static UnaryOperator<OperatorConfig> limits(int liveApps, int signUpsPerHour) {
    return c ->
        c.withLimits(
            new OperatorConfig.Limits(10, liveApps, signUpsPerHour, 10, Duration.ofDays(90)));
  }

  @Test
  void theOperatorWideCapCountsTheAppsOfEveryAccount() throws Exception {
    start(limits(2, 5));
    ApiClient alice = fx.signedIn("alice@example.com");
    ApiClient bob = fx.signedIn("bob@example.com");
    ApiClient carol = fx.signedIn("carol@example.com");
    assertThat(deploy(alice, "a").status()).isEqualTo(201);
    assertThat(deploy(bob, "b").status()).isEqualTo(201);
    Res r = deploy(carol, "c");
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.errorCode()).isEqualTo("operator_full");
    assertThat(fx.appRows()).isEqualTo(2);
  }

  private static Res deploy(ApiClient client, String name) throws Exception {
    Deployments.Deployment d = Deployments.selfMode(name, DOMAIN);
    return client.deploy("default", "4g", d.configBytes(), d.packageBytes());
  }

  @Test
  void signUpIsLimitedPerSourceAddress() throws Exception {
    start(limits(1000, 2));
    ApiClient first = fx.anonymous();
    for (int i = 0; i < 2; i++) {
      assertThat(signUp(first, "user" + i + "@example.com").status()).isEqualTo(201);
    }
    Res refused = signUp(first, "user2@example.com");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.errorCode()).isEqualTo("too_many_requests");
    assertThat(refused.raw().headers().firstValue("Retry-After")).isPresent();
    // another address is not held back by the first one
    assertThat(signUp(first.from("127.0.0.2"), "user3@example.com").status()).isEqualTo(201);
    // and the first gets a new one once the hour has passed
    fx.clock.advance(Duration.ofMinutes(31));
    assertThat(signUp(first, "user4@example.com").status()).isEqualTo(201);
  }

  @Test
  void anOperatorCanCloseSignUp() throws Exception {
    start(c -> c.withSignUp(false));
    Res r = signUp(fx.anonymous(), "someone@example.com");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.errorCode()).isEqualTo("sign_up_disabled");
  }

  private static Res signUp(ApiClient client, String email) throws Exception {
    return client.post("/api/v1/accounts", Map.of("email", email, "password", "twelve chars!"));
  }

  @Test
  void tokensExpireAfterNinetyDaysByDefault() throws Exception {
    start(UnaryOperator.identity());
    ApiClient alice = fx.signedIn("alice@example.com");
    Res created = alice.post("/api/v1/tokens", Map.of("name", "laptop"));
    assertThat(created.status()).isEqualTo(201);
    Instant createdAt = Instant.parse(created.json().get("created_at").asString());
    Instant expiresAt = Instant.parse(created.json().get("expires_at").asString());
    assertThat(Duration.between(createdAt, expiresAt)).isEqualTo(Duration.ofDays(90));
    ApiClient laptop = fx.anonymous().withToken(created.json().get("token").asString());
    assertThat(alice.get("/api/v1/tokens").json().get("items").findValuesAsString("expires_at"))
        .doesNotContainNull();

    fx.clock.advance(Duration.ofDays(89));
    assertThat(laptop.get("/api/v1/users/me").status()).isEqualTo(200);
    fx.clock.advance(Duration.ofDays(1));
    Res expired = laptop.get("/api/v1/users/me");
    assertThat(expired.status()).isEqualTo(401);
    assertThat(expired.errorMessage()).contains("expired");
  }

  @Test
  void aTokenCanBeAskedToLiveLessAndNeverMoreThanAYear() throws Exception {
    start(UnaryOperator.identity());
    ApiClient alice = fx.signedIn("alice@example.com");
    Res day = alice.post("/api/v1/tokens", Map.of("name", "ci", "expires_in_days", 1));
    assertThat(day.status()).isEqualTo(201);
    ApiClient ci = fx.anonymous().withToken(day.json().get("token").asString());
    assertThat(ci.get("/api/v1/users/me").status()).isEqualTo(200);
    fx.clock.advance(Duration.ofDays(1));
    assertThat(ci.get("/api/v1/users/me").status()).isEqualTo(401);

    for (Object bad : new Object[] {0, 366, -1, "30", 1.5}) {
      Res r = alice.post("/api/v1/tokens", Map.of("name", "x", "expires_in_days", bad));
      assertThat(r.status()).as("%s", bad).isEqualTo(400);
      assertThat(r.errorCode()).as("%s", bad).isEqualTo("invalid_expiry");
    }
  }
}
