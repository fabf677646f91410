package dev.mse.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.cli.Json;
import dev.mse.cli.MseCli;
import dev.mse.operator.OperatorException;
import dev.mse.operator.store.Account;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Two accounts on one operator (local runtime processes, as root on this host): the second deploys
 * an app that tries to read the first one's secrets file, sealed state and keys, its runtime's
 * environment, the operator's TLS key, packages, database and environment, and reports what it got.
 * It must get nothing but its own files.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantIsolationTest {
  /** What a confined runtime's environment may hold (the runtime's and the app's variables). */
  private static final Set<String> ALLOWED_ENV =
      Set.of(
          "PATH",
          "LANG",
          "HOME",
          "TMPDIR",
          "PORT",
          "MSE_APP_PORT",
          "MSE_SECRETS_PATH",
          "MSE_SEALED_SECRETS_PATH",
          "MSE_DATA_DIR",
          // the paths of the app's own TLS certificate and key, on the secrets tmpfs
          "MSE_TLS_CERTIFICATE",
          "MSE_TLS_KEY");

  @TempDir static Path work;
  private CloudFixture cloud;
  private Path spyConf;

  @BeforeAll
  void startOperator() throws Exception {
    cloud = new CloudFixture(work);
  }

  @AfterAll
  void stopOperator() throws Exception {
    // the fixture stops its own account's apps; the spy's runtime would outlive the test
    if (spyConf != null) {
      MseCli.Run list = MseCli.run(spyConf, "cloud", "list", "--json");
      if (list.exitCode() == 0) {
        for (JsonNode app : Json.MAPPER.readTree(list.out())) {
          MseCli.run(spyConf, "cloud", "stop", app.path("id").asString());
        }
      }
    }
    cloud.close();
  }

  @Test
  void anAppOfOneAccountReadsNothingOfAnotherAccountNorOfTheOperator() throws Exception {
    // The victim: the fixture's account, with a secrets file and sealed state.
    Path victimProject = cloud.scaffold("victim");
    JsonNode victim = deploy(cloud.conf, victimProject);
    UUID victimId = UUID.fromString(victim.path("app_id").asString());
    Path dataDir = cloud.config.dataDir();
    Path victimNode = cloud.operator.nodesDir().resolve(victimId.toString());
    Path victimSecrets = Path.of("/dev/shm", "mse-node-" + victimId);

    // What there is to steal, seen by root: every target exists, so "denied" means denied.
    List<Path> targets = new ArrayList<>();
    targets.add(victimSecrets);
    targets.addAll(CloudFixture.files(victimSecrets));
    targets.add(victimNode.resolve("home").resolve("state"));
    targets.addAll(CloudFixture.files(victimNode.resolve("home").resolve("state")));
    targets.add(victimNode.resolve("home").resolve("package.tar"));
    targets.add(victimNode.resolve("runtime.log"));
    targets.add(victimNode.resolve("node.json"));
    targets.add(cloud.operator.nodesDir());
    targets.add(dataDir);
    targets.add(dataDir.resolve("tls"));
    targets.addAll(CloudFixture.files(dataDir.resolve("tls")));
    targets.add(dataDir.resolve("packages"));
    targets.add(dataDir.resolve("packages").resolve(victimId + ".tar"));
    targets.add(dataDir.resolve("operator.mv.db"));
    long victimPid =
        Json.MAPPER
            .readTree(Files.readString(victimNode.resolve("node.json")))
            .path("pid")
            .asLong();
    targets.add(Path.of("/proc", Long.toString(victimPid), "environ"));
    targets.add(Path.of("/proc", Long.toString(ProcessHandle.current().pid()), "environ"));
    for (Path t : targets) {
      assertThat(t).as("a target of the probe").exists();
    }
    assertThat(CloudFixture.files(victimSecrets)).as("the victim's secrets files").isNotEmpty();
    assertThat(CloudFixture.files(victimNode.resolve("home").resolve("state")))
        .as("the victim's sealed state")
        .isNotEmpty();
    assertThat(CloudFixture.files(dataDir.resolve("tls")))
        .anySatisfy(f -> assertThat(f.toString()).endsWith(".key"));

    // The spy: another account, an app that reads them all as it starts.
    Account spyAccount =
        cloud.operator.operator().accounts().createAccount("spy@example.test", "correct horse 2");
    String token = cloud.operator.operator().accounts().createToken(spyAccount.id(), "t").secret();
    spyConf = work.resolve("spy-conf");
    MseCli.run(spyConf, "cloud", "login", "--url", cloud.baseUrl(), "--token", token).succeeded();
    Path spyProject = cloud.scaffold("spy");
    writeProbe(spyProject, targets);
    JsonNode spy = deploy(spyConf, spyProject);
    UUID spyId = UUID.fromString(spy.path("app_id").asString());

    List<String> report = probeReport(spyAccount.id(), spyId);
    // The probe works: the spy reads its own secrets and its own sealed state directory.
    assertThat(report).contains("PROBE OWN READ");
    // ... and nothing else.
    assertThat(report)
        .filteredOn(l -> l.startsWith("PROBE TARGET "))
        .hasSize(targets.size())
        .allSatisfy(l -> assertThat(l).startsWith("PROBE TARGET DENIED "));
    String uid = line(report, "PROBE UID ");
    assertThat(Integer.parseInt(uid)).isPositive();
    assertThat(uid).isNotEqualTo(ownerUid(victimPid));
    List<String> env = Arrays.asList(line(report, "PROBE ENV ").split(","));
    assertThat(ALLOWED_ENV).containsAll(env.stream().filter(s -> !s.isBlank()).toList());
    assertThat(line(report, "PROBE TMPDIR "))
        .isEqualTo(
            cloud.operator.nodesDir().resolve(spyId.toString()).resolve("home/tmp").toString());
  }

  private static String ownerUid(long pid) throws Exception {
    for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (l.startsWith("Uid:")) {
        return l.substring(4).trim().split("\\s+")[0];
      }
    }
    throw new AssertionError("no Uid line for " + pid);
  }

  private static String line(List<String> report, String prefix) {
    return report.stream()
        .filter(l -> l.startsWith(prefix))
        .map(l -> l.substring(prefix.length()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no '" + prefix + "' in " + report));
  }

  /** The probe's lines from the spy's log, once it wrote them all. */
  private List<String> probeReport(UUID account, UUID app) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
    while (true) {
      String logs;
      try {
        logs = cloud.operator.operator().apps().logs(account, app);
      } catch (OperatorException e) {
        throw new AssertionError(e.getMessage(), e);
      }
      List<String> lines = logs.lines().filter(l -> l.startsWith("PROBE ")).toList();
      if (lines.contains("PROBE DONE")) {
        return lines;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("the probe did not finish: " + logs);
      }
      Thread.sleep(200);
    }
  }

  private static JsonNode deploy(Path conf, Path project) throws Exception {
    MseCli.Run run =
        MseCli.run(
            conf,
            "cloud",
            "deploy",
            "--path",
            project.resolve("mse.toml").toString(),
            "--allow-simulation",
            "--json",
            "-y");
    return Json.MAPPER.readTree(run.succeeded().out());
  }

  /** Makes the scaffolded app run {@code Probe.run()} before it serves. */
  private static void writeProbe(Path project, List<Path> targets) throws Exception {
    Path src;
    try (Stream<Path> files = Files.walk(project.resolve("src"))) {
      src = files.filter(p -> p.getFileName().toString().equals("App.java")).findFirst().get();
    }
    String app = Files.readString(src, StandardCharsets.UTF_8);
    Files.writeString(
        src, app.replace("int port = port();", "Probe.run();\n    int port = port();"));
    String pkg = app.lines().findFirst().get().replace("package ", "").replace(";", "");
    StringBuilder list = new StringBuilder();
    for (Path t : targets) {
      list.append("      \"").append(t).append("\",\n");
    }
    Files.writeString(
        src.resolveSibling("Probe.java"),
        """
        package %s;

        import java.nio.file.Files;
        import java.nio.file.Path;
        import java.util.TreeSet;

        /** Tries to read what belongs to others; prints one line per target. */
        final class Probe {
          private static final String[] TARGETS = {
        %s  };

          private Probe() {}

          static void run() {
            for (String t : TARGETS) {
              System.out.println("PROBE TARGET " + (canRead(Path.of(t)) ? "READ " : "DENIED ") + t);
            }
            boolean own =
                canRead(Path.of(System.getenv("MSE_SECRETS_PATH")).getParent())
                    && canRead(Path.of(System.getenv("MSE_DATA_DIR")).resolveSibling("state"));
            System.out.println("PROBE OWN " + (own ? "READ" : "DENIED"));
            String uid = "?";
            try {
              for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("Uid:")) {
                  uid = l.substring(4).trim().split("\\\\s+")[0];
                }
              }
            } catch (Exception e) {
              uid = "?";
            }
            System.out.println("PROBE UID " + uid);
            System.out.println("PROBE ENV " + String.join(",", new TreeSet<>(System.getenv().keySet())));
            System.out.println("PROBE TMPDIR " + System.getProperty("java.io.tmpdir"));
            System.out.println("PROBE DONE");
            System.out.flush();
          }

          /** True when the file's bytes or the directory's entries could be read. */
          private static boolean canRead(Path p) {
            try {
              if (Files.isDirectory(p)) {
                try (var s = Files.list(p)) {
                  s.count();
                }
              } else {
                Files.readAllBytes(p);
              }
              return true;
            } catch (Exception | OutOfMemoryError e) {
              return false;
            }
          }
        }
        """
            .formatted(pkg, list));
  }
}
