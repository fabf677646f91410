package dev.mse.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.cli.MseCli;
import dev.mse.cli.owner.AppTemplate;
import dev.mse.operator.OperatorConfig;
import dev.mse.operator.local.LocalOperator;
import dev.mse.operator.node.runtime.LoopbackPorts;
import dev.mse.operator.store.Account;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * An operator on loopback (H2, local runtime processes from {@code enclave/target/runtime},
 * simulated TEE, SNI proxy), an account logged in through the CLI's own login file, and helpers to
 * run the CLI in-process and curl as a separate process.
 */
final class CloudFixture implements AutoCloseable {
  static final Path RUNTIME = Path.of("..", "enclave", "target", "runtime").toAbsolutePath();

  final Path work;
  final Path conf;
  final OperatorConfig config;

  /** The account's API token, as its owner would keep it. */
  final String token;

  LocalOperator operator;

  /** The CA the operator trusts for custom domains (it stands in for a public CA). */
  final TestCa ownerCa = new TestCa();

  /** The TEE of the operator's nodes. */
  final String tee;

  CloudFixture(Path work) throws Exception {
    this(work, "simulation", UnaryOperator.identity());
  }

  /**
   * An operator whose nodes are of {@code tee}, its configuration changed by {@code configure} (a
   * PCCS, a node policy).
   */
  CloudFixture(Path work, String tee, UnaryOperator<OperatorConfig> configure) throws Exception {
    assertThat(RUNTIME.resolve("mse-enclave.jar"))
        .as("no runtime distribution: build it with ./mvnw package -pl enclave -am")
        .exists();
    this.work = work;
    this.tee = tee;
    this.conf = work.resolve("conf");
    this.config =
        configure.apply(
            OperatorConfig.defaults(work.resolve("operator"))
                .withApi("127.0.0.1", LoopbackPorts.free())
                .withProxy("127.0.0.1", LoopbackPorts.free())
                .withDomainTrustAnchors(ownerCa.writeCa(work.resolve("trusted-cas.pem"))));
    start();
    Account account =
        operator.operator().accounts().createAccount("owner@example.test", "correct horse battery");
    this.token = operator.operator().accounts().createToken(account.id(), "tests").secret();
    cli("cloud", "login", "--url", baseUrl(), "--token", token).succeeded();
  }

  void start() throws Exception {
    operator = LocalOperator.start(new LocalOperator.Settings(config, RUNTIME, tee));
  }

  String baseUrl() {
    return "http://127.0.0.1:" + config.apiPort();
  }

  int proxyPort() {
    return config.proxyPort();
  }

  /** A new scaffolded app named {@code name}. */
  Path scaffold(String name) {
    Path dir = work.resolve(name);
    AppTemplate.write(dir, name, Optional.of("default"), Optional.of("4g"));
    return dir;
  }

  MseCli.Run cli(String... args) {
    return MseCli.run(conf, args);
  }

  /** curl as a separate process; returns exit code and output. */
  static MseCli.Run curl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new MseCli.Run(p.exitValue(), out, "");
  }

  /** Every regular file under {@code root}. */
  static List<Path> files(Path root) throws Exception {
    if (!Files.exists(root)) {
      return List.of();
    }
    try (var walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile).toList();
    }
  }

  /** Stops every live app (their runtimes would outlive the test), then the operator. */
  @Override
  public void close() throws Exception {
    if (operator == null) {
      return;
    }
    try {
      MseCli.Run list = cli("cloud", "list", "--json");
      if (list.exitCode() == 0) {
        List<String> ids = new ArrayList<>(List.of("cloud", "stop"));
        dev.mse.cli.Json.MAPPER.readTree(list.out()).forEach(a -> ids.add(a.path("id").asString()));
        if (ids.size() > 2) {
          cli(ids.toArray(String[]::new));
        }
      }
    } finally {
      operator.close();
      // as root the nodes live outside the test's directory (/var/lib/mse-nodes/…): only logs
      // remain there once the apps stopped, and they are this test's
      if (!operator.nodesDir().startsWith(work)) {
        try (var walk = Files.walk(operator.nodesDir())) {
          for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
  }
}
