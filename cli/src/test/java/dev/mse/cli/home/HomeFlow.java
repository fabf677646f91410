package dev.mse.cli.home;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.cli.MseCli;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The home chain's steps for tests, through the in-process CLI with real runtime processes from
 * {@code enclave/target/runtime}: a scaffolded and packaged app, spawned, verified, sealed to and
 * run. {@link #close()} stops and removes what it spawned.
 */
final class HomeFlow implements AutoCloseable {
  static final Path RUNTIME = Path.of("..", "enclave", "target", "runtime");
  static final String SAN = "app.mse.test";

  final Path work;
  final Path conf;
  final Path project;
  final Path packageFile;
  private final List<String> spawned = new ArrayList<>();

  /** A change to the scaffolded project before it is packaged. */
  interface ProjectEdit {
    void apply(Path project) throws IOException;
  }

  /** Scaffolds the app {@code name} in {@code work} and packages it. */
  HomeFlow(Path work, String name) throws IOException {
    this(work, name, project -> {});
  }

  /** Scaffolds the app {@code name} in {@code work}, applies {@code edit} and packages it. */
  HomeFlow(Path work, String name, ProjectEdit edit) throws IOException {
    this.work = work;
    this.conf = work.resolve("conf");
    cli("home", "scaffold", name, "--output", work.toString()).succeeded();
    this.project = work.resolve(name);
    edit.apply(project);
    cli(
            "home",
            "package",
            "--project",
            project.toString(),
            "--output",
            work.resolve("pkg").toString())
        .succeeded();
    try (Stream<Path> s = Files.list(work.resolve("pkg"))) {
      this.packageFile = s.filter(f -> f.toString().endsWith(".tar")).findFirst().orElseThrow();
    }
  }

  static boolean runtimeBuilt() {
    return Files.isRegularFile(RUNTIME.resolve("mse-enclave.jar"));
  }

  MseCli.Run cli(String... args) {
    return MseCli.run(conf, args);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** {@code mse home spawn NAME} on loopback at {@code port}, with {@code extra} options. */
  MseCli.Run spawn(String name, int port, String... extra) throws IOException {
    return trySpawn(name, port, extra).succeeded();
  }

  /** As {@link #spawn}, whether it succeeds or not (what it spawned is stopped at close). */
  MseCli.Run trySpawn(String name, int port, String... extra) throws IOException {
    spawned.add(name);
    List<String> args =
        new ArrayList<>(
            List.of(
                "home",
                "spawn",
                name,
                "--package",
                packageFile.toString(),
                "--san",
                SAN,
                "--port",
                Integer.toString(port),
                "--enclave-port",
                Integer.toString(freePort()),
                "--host",
                "127.0.0.1",
                "--size",
                "1024",
                "--output",
                node(name).toString(),
                "--runtime",
                RUNTIME.toString()));
    args.addAll(List.of(extra));
    return cli(args.toArray(String[]::new));
  }

  Path node(String name) {
    return work.resolve("node-" + name);
  }

  /** The code provider's verify of the node's evidence into {@code output}. */
  MseCli.Run verify(String name, Path output, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "home",
                "verify",
                "--evidence",
                node(name).resolve("evidence.json").toString(),
                "--package",
                packageFile.toString(),
                "--output",
                output.toString(),
                "--allow-simulation",
                "--runtime",
                RUNTIME.toString()));
    args.addAll(List.of(extra));
    return cli(args.toArray(String[]::new)).succeeded();
  }

  /** Verifies, seals the project's secrets to the verified enclave and runs the app. */
  MseCli.Run verifySealAndRun(String name, String... runExtra) {
    Path cp = work.resolve("cp-" + name);
    verify(name, cp);
    Path sealed = work.resolve(name + ".seal");
    cli(
            "home",
            "seal",
            "--input",
            project.resolve("secrets_to_seal.json").toString(),
            "--receiver-enclave",
            cp.resolve("ratls.pem").toString(),
            "--output",
            sealed.toString())
        .succeeded();
    List<String> args =
        new ArrayList<>(
            List.of(
                "home",
                "run",
                name,
                "--sealed-secrets",
                sealed.toString(),
                "--secrets",
                project.resolve("secrets.json").toString()));
    args.addAll(List.of(runExtra));
    return cli(args.toArray(String[]::new)).succeeded();
  }

  @Override
  public void close() {
    for (String name : spawned) {
      MseCli.Run stop = cli("home", "stop", name, "--remove");
      assertThat(stop.exitCode()).as(stop.err()).isZero();
    }
  }
}
