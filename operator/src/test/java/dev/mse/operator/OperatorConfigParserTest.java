package dev.mse.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.operator.proxy.ProxyLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OperatorConfigParserTest {
  private static final Path BASE = Path.of("/etc/mse");

  @Test
  void emptyFileGivesTheDefaults() throws Exception {
    OperatorConfig c = OperatorConfigParser.parse("", BASE);
    assertThat(c.dataDir()).isEqualTo(Path.of("/etc/mse/data"));
    assertThat(c.databaseUrl()).isEmpty();
    assertThat(c.jdbcUrl())
        .startsWith("jdbc:h2:async:/etc/mse/data/operator;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE");
    assertThat(c.apiHost()).isEqualTo("127.0.0.1");
    assertThat(c.appsDomain()).isEqualTo("mse.localhost");
    assertThat(c.signUp()).isTrue();
    assertThat(c.maxLifetime()).isEqualTo(Duration.ofDays(365));
    assertThat(c.maxPackageBytes()).isEqualTo(256L * 1024 * 1024);
    assertThat(c.hardware()).hasSize(2);
    assertThat(c.hardware().getFirst().offer().enclaveSizeMb()).isEqualTo(1024);
    assertThat(c.hardware().getFirst().defaultQuota()).isEqualTo(3);
    assertThat(c.defaultHardware()).isEqualTo("4g");
    assertThat(c.proxyLimits()).isEqualTo(ProxyLimits.DEFAULT);
  }

  @Test
  void readsThePccsUrl() throws Exception {
    assertThat(OperatorConfigParser.parse("pccs_url = \"http://127.0.0.1:8081\"\n", BASE).pccsUrl())
        .contains(java.net.URI.create("http://127.0.0.1:8081"));
    assertThat(OperatorConfigParser.parse("", BASE).pccsUrl()).isEmpty();
    assertThatThrownBy(() -> OperatorConfigParser.parse("pccs_url = \"ftp://x\"\n", BASE))
        .isInstanceOf(OperatorConfigException.class)
        .hasMessageContaining("pccs_url must be an http or https URL");
  }

  @Test
  void readsTheNodePolicyRelativeToTheFile() throws Exception {
    assertThat(
            OperatorConfigParser.parse("node_policy = \"node-policy.toml\"\n", BASE).nodePolicy())
        .contains(Path.of("/etc/mse/node-policy.toml"));
    assertThat(OperatorConfigParser.parse("", BASE).nodePolicy()).isEmpty();
  }

  @Test
  void readsTheGramineTable() throws Exception {
    OperatorConfig c =
        OperatorConfigParser.parse(
            "[gramine]\nsigner_key = \"keys/enclave.pem\"\nbin_dir = \"/opt/gramine/bin\"\n"
                + "max_threads = 512\n",
            BASE);
    assertThat(c.gramine().signerKey()).contains(Path.of("/etc/mse/keys/enclave.pem"));
    assertThat(c.gramine().binDir()).contains(Path.of("/opt/gramine/bin"));
    assertThat(c.gramine().maxThreads()).isEqualTo(512);
    OperatorConfig d = OperatorConfigParser.parse("", BASE);
    assertThat(d.gramine().signerKey()).isEmpty();
    assertThat(d.gramine().binDir()).isEmpty();
    assertThat(d.gramine().maxThreads()).isEqualTo(256);
    assertThatThrownBy(() -> OperatorConfigParser.parse("[gramine]\nsigner = \"k.pem\"\n", BASE))
        .isInstanceOf(OperatorConfigException.class)
        .hasMessageContaining("signer");
    assertThatThrownBy(() -> OperatorConfigParser.parse("[gramine]\nmax_threads = 1\n", BASE))
        .isInstanceOf(OperatorConfigException.class)
        .hasMessageContaining("max_threads");
  }

  @Test
  void readsTheIsolationTable() throws Exception {
    OperatorConfig c =
        OperatorConfigParser.parse(
            """
            [isolation]
            per_app_users = false
            first_uid = 300000
            uid_count = 50
            allow_shared_user = true
            nodes_dir = "nodes"
            log_max_bytes = 65536
            """,
            BASE);
    assertThat(c.isolation())
        .isEqualTo(
            new OperatorConfig.Isolation(
                Optional.of(false),
                300000,
                50,
                true,
                Optional.of(Path.of("/etc/mse/nodes")),
                65536));
    assertThat(OperatorConfigParser.parse("", BASE).isolation())
        .isEqualTo(OperatorConfig.Isolation.defaults());
  }

  @Test
  void refusesARuntimeUserRangeThatCouldHoldSystemUsers() {
    assertThatThrownBy(() -> OperatorConfigParser.parse("[isolation]\nfirst_uid = 0\n", BASE))
        .isInstanceOf(OperatorConfigException.class);
    assertThatThrownBy(
            () -> OperatorConfigParser.parse("[isolation]\nallow_shared_user = \"yes\"\n", BASE))
        .isInstanceOf(OperatorConfigException.class);
  }

  @Test
  void readsEveryKey() throws Exception {
    OperatorConfig c =
        OperatorConfigParser.parse(
            """
            data_dir = "/var/lib/mse"
            database_url = "jdbc:postgresql://db/mse"
            apps_domain = "Apps.Example.com"
            sign_up = false
            max_lifetime_days = 30
            max_package_bytes = 1000
            default_hardware = "big"
            [api]
            host = "0.0.0.0"
            port = 9000
            tls_key_store = "api.p12"
            tls_key_store_password = "secret"
            [proxy]
            host = "proxy.example.com"
            port = 443
            max_connections = 5000
            max_connections_per_app = 500
            max_connections_per_source = 50
            client_hello_timeout_seconds = 3
            evidence_cache_seconds = 20
            [[hardware]]
            name = "small"
            memory_mb = 1024
            cores = 1
            enclave_size_mb = 256
            [[hardware]]
            name = "big"
            memory_mb = 65536
            cores = 16
            enclave_size_mb = 32768
            default_quota = 1
            """,
            BASE);
    assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/mse"));
    assertThat(c.databaseUrl()).contains("jdbc:postgresql://db/mse");
    assertThat(c.appsDomain()).isEqualTo("apps.example.com");
    assertThat(c.signUp()).isFalse();
    assertThat(c.maxLifetime()).isEqualTo(Duration.ofDays(30));
    assertThat(c.maxPackageBytes()).isEqualTo(1000);
    assertThat(c.apiPort()).isEqualTo(9000);
    assertThat(c.apiTls().orElseThrow())
        .isEqualTo(new OperatorConfig.Tls.KeyStoreFile(Path.of("/etc/mse/api.p12"), "secret"));
    assertThat(c.apiTls().orElseThrow().toString()).doesNotContain("secret");
    assertThat(c.proxyPort()).isEqualTo(443);
    assertThat(c.proxyLimits())
        .isEqualTo(new ProxyLimits(5000, 500, 50, Duration.ofSeconds(3), Duration.ofSeconds(20)));
    assertThat(c.hardware()).extracting(o -> o.offer().name()).containsExactly("small", "big");
    assertThat(c.hardware().get(0).defaultQuota()).isZero();
    assertThat(c.defaultHardware()).isEqualTo("big");
  }

  @Test
  void readsPemFilesForTheApi() throws Exception {
    OperatorConfig c =
        OperatorConfigParser.parse(
            "[api]\ntls_certificate = \"api.pem\"\ntls_private_key = \"/keys/api.key\"", BASE);
    assertThat(c.apiTls())
        .contains(
            new OperatorConfig.Tls.PemFiles(Path.of("/etc/mse/api.pem"), Path.of("/keys/api.key")));
    assertThatThrownBy(() -> OperatorConfigParser.parse("[api]\ntls_certificate = \"a\"", BASE))
        .hasMessageContaining("tls_private_key");
    assertThatThrownBy(
            () ->
                OperatorConfigParser.parse(
                    "[api]\ntls_key_store = \"a\"\ntls_certificate = \"b\"", BASE))
        .hasMessageContaining("not both");
  }

  @Test
  void unknownKeysAndBadValuesAreErrorsThatNameTheKey() {
    assertThatThrownBy(() -> OperatorConfigParser.parse("sign_upp = true", BASE))
        .isInstanceOf(OperatorConfigException.class)
        .hasMessageContaining("sign_upp");
    assertThatThrownBy(() -> OperatorConfigParser.parse("[api]\nprot = 1", BASE))
        .hasMessageContaining("prot");
    assertThatThrownBy(() -> OperatorConfigParser.parse("[api]\nport = \"x\"", BASE))
        .hasMessageContaining("port");
    assertThatThrownBy(
            () ->
                OperatorConfigParser.parse(
                    "[[hardware]]\nname = \"a\"\nmemory_mb = 1\ncores = 1\nenclave_size_mb = 1\nfoo = 2",
                    BASE))
        .hasMessageContaining("foo");
    assertThatThrownBy(() -> OperatorConfigParser.parse("[[hardware]]\nname = \"a\"", BASE))
        .hasMessageContaining("memory_mb");
    assertThatThrownBy(() -> OperatorConfigParser.parse("default_hardware = \"64g\"", BASE))
        .hasMessageContaining("64g");
    assertThatThrownBy(
            () -> OperatorConfigParser.parse("[proxy]\nmax_connections_per_source = 0", BASE))
        .hasMessageContaining("max_connections_per_source");
    assertThatThrownBy(
            () -> OperatorConfigParser.parse("[proxy]\nclient_hello_timeout_seconds = 0", BASE))
        .hasMessageContaining("client_hello_timeout_seconds");
    assertThatThrownBy(() -> OperatorConfigParser.parse("= broken", BASE))
        .hasMessageContaining("TOML");
  }

  @Test
  void readsTheLimitsAndTheCustomDomainTrustAnchors() throws Exception {
    OperatorConfig d = OperatorConfigParser.parse("", BASE);
    assertThat(d.limits()).isEqualTo(OperatorConfig.Limits.DEFAULTS);
    assertThat(d.limits().tokenLifetime()).isEqualTo(Duration.ofDays(90));
    assertThat(d.domainTrustAnchors()).isEmpty();
    OperatorConfig c =
        OperatorConfigParser.parse(
            """
            [limits]
            projects_per_account = 2
            live_apps = 50
            sign_ups_per_source_per_hour = 1
            logins_per_source_per_minute = 3
            token_lifetime_days = 7
            [custom_domains]
            trust_anchors = "cas.pem"
            """,
            BASE);
    assertThat(c.limits()).isEqualTo(new OperatorConfig.Limits(2, 50, 1, 3, Duration.ofDays(7)));
    assertThat(c.domainTrustAnchors()).contains(Path.of("/etc/mse/cas.pem"));
    assertThatThrownBy(() -> OperatorConfigParser.parse("[limits]\nlive_apps = 0", BASE))
        .isInstanceOf(OperatorConfigException.class)
        .hasMessageContaining("live_apps");
    assertThatThrownBy(
            () -> OperatorConfigParser.parse("[limits]\ntoken_lifetime_days = 400", BASE))
        .isInstanceOf(OperatorConfigException.class)
        .hasMessageContaining("token_lifetime_days");
    assertThatThrownBy(() -> OperatorConfigParser.parse("[custom_domains]\ndns = true", BASE))
        .isInstanceOf(OperatorConfigException.class)
        .hasMessageContaining("dns");
  }
}
