package dev.mse.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.operator.admin.AdminClient;
import dev.mse.operator.admin.AdminReply;
import dev.mse.operator.admin.AdminRequest;
import dev.mse.operator.node.local.LocalNodeProvider;
import dev.mse.operator.node.runtime.LoopbackPorts;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Operator instances as separate {@code mse operator serve} processes sharing one PostgreSQL schema
 * (fresh per fixture, dropped at close) with {@code [cluster] enabled} and {@code shared_host}:
 * each its own data directory, API and proxy port; all one nodes directory (under {@code
 * /var/lib/mse-nodes} as root, so runtime users can reach it).
 */
final class OperatorCluster implements AutoCloseable {
  static final String PG_SERVER = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
  private static final Path RUNTIME =
      Path.of("..", "enclave", "target", "runtime").toAbsolutePath();
  private static final Duration READY = Duration.ofSeconds(90);

  /** One instance: its process, ports, data directory and log. */
  record Instance(
      String name, Process process, int apiPort, int proxyPort, Path data, Path config, Path log) {
    String baseUrl() {
      return "http://127.0.0.1:" + apiPort;
    }

    /** SIGKILL: nothing closed, the lease's session dies with the socket. */
    void kill() throws Exception {
      process.destroyForcibly();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    void stop() throws Exception {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  final Path work;
  final String schema;
  final String databaseUrl;
  final Path nodes;
  private int launches;

  OperatorCluster(Path work) throws Exception {
    assertThat(RUNTIME.resolve("mse-enclave.jar"))
        .as("no runtime distribution: build it with ./mvnw package -pl enclave -am")
        .exists();
    this.work = work;
    this.schema = "cluster_" + UUID.randomUUID().toString().replace("-", "");
    try (Connection c = DriverManager.getConnection(PG_SERVER);
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    this.databaseUrl = PG_SERVER + "&currentSchema=" + schema;
    this.nodes =
        LocalNodeProvider.operatorIsRoot()
            ? Path.of("/var/lib/mse-nodes", schema)
            : work.resolve("nodes");
  }

  /** Starts an instance named {@code name} (its data directory {@code work/name}). */
  Instance start(String name) throws Exception {
    return start(name, LoopbackPorts.free(), LoopbackPorts.free());
  }

  /** Starts (or starts again) an instance on given ports. */
  Instance start(String name, int apiPort, int proxyPort) throws Exception {
    Path data = work.resolve(name);
    Path config = work.resolve(name + ".toml");
    Files.writeString(
        config,
        """
        data_dir = "%s"
        database_url = "%s"
        [api]
        port = %d
        [proxy]
        port = %d
        [cluster]
        enabled = true
        shared_host = true
        [isolation]
        nodes_dir = "%s"
        """
            .formatted(data, databaseUrl, apiPort, proxyPort, nodes),
        StandardCharsets.UTF_8);
    Path log = work.resolve(name + "-" + (++launches) + ".log");
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-cp",
            System.getProperty("java.class.path"),
            "dev.mse.cli.Main",
            "operator",
            "serve",
            "--config",
            config.toString(),
            "--runtime",
            RUNTIME.toString(),
            "--tee",
            "simulation");
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Instance instance = new Instance(name, p, apiPort, proxyPort, data, config, log);
    awaitReady(instance);
    return instance;
  }

  /** An account made through the instance's admin channel; its API token. */
  static String createAccount(Instance instance) throws Exception {
    AdminReply reply =
        AdminClient.send(
                instance.data(),
                new AdminRequest.CreateAccount(
                    "owner@example.test", "correct horse battery", true, OptionalInt.empty()))
            .orElseThrow();
    return ((AdminReply.AccountCreated) reply).token().orElseThrow();
  }

  static ApiClient client(Instance instance, String token) {
    return new ApiClient(OperatorUrl.parse(instance.baseUrl()), Optional.of(token), false);
  }

  /** The lease as the database has it. */
  record Lease(long epoch, String holder) {
    /** Whether {@code instance} holds it (holder is {@code host:pid:api port}). */
    boolean heldBy(Instance instance) {
      return holder != null
          && holder.endsWith(":" + instance.process().pid() + ":" + instance.apiPort());
    }
  }

  Lease lease() throws Exception {
    try (Connection c = DriverManager.getConnection(databaseUrl);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT epoch, holder FROM cluster_lease WHERE id = 1")) {
      rs.next();
      return new Lease(rs.getLong(1), rs.getString(2));
    }
  }

  /** Waits until one of {@code instances} holds the lease; returns it. */
  Instance awaitLeader(List<Instance> instances) throws Exception {
    Instant deadline = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(deadline)) {
      Lease lease = lease();
      for (Instance i : instances) {
        if (i.process().isAlive() && lease.heldBy(i)) {
          return i;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no instance leads: " + lease());
  }

  /** The runtime processes started from a node directory of the shared nodes directory, by app. */
  Map<UUID, List<ProcessHandle>> runtimes() {
    String marker = "--config " + nodes + File.separator;
    Map<UUID, List<ProcessHandle>> found = new HashMap<>();
    ProcessHandle.allProcesses()
        .filter(ProcessHandle::isAlive)
        .forEach(
            h -> {
              String line = dev.mse.operator.node.runtime.RuntimeLaunch.commandLine(h);
              int at = line.indexOf(marker);
              if (at >= 0 && dev.mse.operator.node.runtime.RuntimeLaunch.isRuntime(line)) {
                String id = line.substring(at + marker.length(), at + marker.length() + 36);
                found.computeIfAbsent(UUID.fromString(id), k -> new ArrayList<>()).add(h);
              }
            });
    return found;
  }

  /** The logs of a failed run, kept in target/ (the temporary directory goes). */
  void keepLogs(String test) throws Exception {
    Path kept = Path.of("target", test + "-logs");
    Files.createDirectories(kept);
    try (Stream<Path> files = Files.list(work)) {
      for (Path log : files.filter(f -> f.toString().endsWith(".log")).toList()) {
        Files.copy(
            log,
            kept.resolve(log.getFileName()),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static void awaitReady(Instance instance) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Instant deadline = Instant.now().plus(READY);
    while (Instant.now().isBefore(deadline)) {
      if (!instance.process().isAlive()) {
        throw new AssertionError("mse operator serve exited: " + Files.readString(instance.log()));
      }
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(URI.create(instance.baseUrl() + "/api/v1/defaults")).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "mse operator serve is not ready: " + Files.readString(instance.log()));
  }

  /** Kills what runs from the shared nodes directory, removes it, drops the schema. */
  @Override
  public void close() throws Exception {
    for (List<ProcessHandle> left : runtimes().values()) {
      left.forEach(ProcessHandle::destroyForcibly);
    }
    if (!nodes.startsWith(work) && Files.isDirectory(nodes)) {
      try (Stream<Path> walk = Files.walk(nodes)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
    try (Connection c = DriverManager.getConnection(PG_SERVER);
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA " + schema + " CASCADE");
    }
  }
}
