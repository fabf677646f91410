package dev.mse.operator.node.local;

import dev.mse.operator.node.NodeListener;
import dev.mse.operator.node.NodeMetrics;
import dev.mse.operator.node.NodeSpec;
import dev.mse.operator.node.NodeState;
import dev.mse.operator.node.runtime.LoopbackPorts;
import dev.mse.operator.node.runtime.NodeStatus;
import dev.mse.operator.node.runtime.NodeStatusClient;
import dev.mse.operator.node.runtime.ProcessStopper;
import dev.mse.operator.node.runtime.RuntimeLaunch;
import dev.mse.protocol.deploy.DeploymentConfig;
import dev.mse.protocol.deploy.DeploymentConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One app's runtime on this host: its directory ({@code deployment.json}, {@code node.json}, {@code
 * runtime.log}, the sealed {@code state/}), its process, and a watcher that polls the runtime's
 * status over verified RA-TLS, tells the listener about every change, and restarts a runtime that
 * died from its sealed state (a bounded number of times).
 */
final class LocalNode {
  private static final Logger LOG = LoggerFactory.getLogger(LocalNode.class);
  private static final Duration FAST_POLL = Duration.ofMillis(100);
  private static final Duration SLOW_POLL = Duration.ofSeconds(1);
  private static final Path TMPFS = Path.of("/dev/shm");

  private final LocalNodeProvider.Settings settings;
  private final NodeSpec spec;
  private final DeploymentConfig config;
  private final NodeListener listener;
  private final Path dir;
  private volatile NodeRecord record;
  private volatile Optional<ProcessHandle> process = Optional.empty();
  private volatile NodeState state = NodeState.SPAWNING;
  private volatile NodeMetrics metrics = NodeMetrics.NONE;
  private volatile boolean stopping;
  private volatile Thread watcher;
  private int restarts;

  private LocalNode(
      LocalNodeProvider.Settings settings,
      NodeSpec spec,
      NodeListener listener,
      NodeRecord record) {
    this.settings = settings;
    this.spec = spec;
    this.listener = listener;
    this.dir = settings.nodesDir().resolve(spec.appId().toString());
    this.record = record;
    try {
      this.config = DeploymentConfig.parse(spec.deploymentConfig());
    } catch (DeploymentConfigException e) {
      throw new IllegalArgumentException("the node's deployment config: " + e.getMessage(), e);
    }
  }

  /** The node of {@code spec}, from its directory when one exists, else new. */
  static LocalNode open(LocalNodeProvider.Settings settings, NodeSpec spec, NodeListener listener)
      throws IOException {
    Path dir = settings.nodesDir().resolve(spec.appId().toString());
    Path recordFile = dir.resolve("node.json");
    NodeRecord record =
        Files.isRegularFile(recordFile)
            ? NodeRecord.read(recordFile)
            : new NodeRecord(
                LoopbackPorts.free(),
                LoopbackPorts.free(),
                -1,
                settings.tee(),
                spec.enclaveSizeMb());
    LocalNode node = new LocalNode(settings, spec, listener, record);
    Files.createDirectories(dir);
    Files.write(node.configFile(), spec.deploymentConfig());
    record.write(recordFile);
    return node;
  }

  UUID appId() {
    return spec.appId();
  }

  NodeState state() {
    return state;
  }

  int port() {
    return record.port();
  }

  Path logFile() {
    return dir.resolve("runtime.log");
  }

  private Path configFile() {
    return dir.resolve("deployment.json");
  }

  private Path stateDir() {
    return dir.resolve("state");
  }

  private Path secretsDir() {
    return secretsDirOf(spec.appId());
  }

  /** Where the secrets files of the node of {@code appId} are, in memory when the host allows. */
  static Path secretsDirOf(UUID appId) {
    Path base = Files.isDirectory(TMPFS) ? TMPFS : Path.of(System.getProperty("java.io.tmpdir"));
    return base.resolve("mse-node-" + appId);
  }

  /** True when the recorded process still runs and is this node's runtime. */
  boolean attach() {
    Optional<ProcessHandle> found =
        ProcessHandle.of(record.pid())
            .filter(ProcessHandle::isAlive)
            .filter(h -> RuntimeLaunch.isRuntimeOf(RuntimeLaunch.commandLine(h), configFile()));
    process = found;
    return found.isPresent();
  }

  /** Starts the runtime process (again). */
  void launch() throws IOException {
    // A restarted runtime keeps its port when it can (its connections of before may linger).
    if (!LoopbackPorts.isFree("127.0.0.1", record.port(), true)) {
      record = record.withPorts(LoopbackPorts.free(), LoopbackPorts.free());
    }
    RuntimeLaunch launch =
        new RuntimeLaunch(
            settings.runtimeDir(),
            configFile(),
            spec.packageFile(),
            "127.0.0.1",
            record.port(),
            record.appPort(),
            stateDir(),
            secretsDir(),
            dir.resolve("data"),
            record.tee(),
            record.sizeMb(),
            settings.provisioningTimeout().toMinutes(),
            dir,
            logFile());
    Process p = launch.start("--- mse operator: starting the runtime of app " + spec.appId());
    record = record.withPid(p.pid());
    record.write(dir.resolve("node.json"));
    process = Optional.of(p.toHandle());
  }

  /** Watches the node on a virtual thread until it stops or fails for good. */
  void watch() {
    watcher = Thread.ofVirtual().name("node-" + spec.appId()).start(this::watchLoop);
  }

  private void watchLoop() {
    NodeStatusClient client =
        new NodeStatusClient(record.port(), config, record.tee().equals("simulation"));
    try {
      while (!stopping) {
        ProcessHandle h = process.orElse(null);
        if (h == null || !h.isAlive()) {
          if (stopping) {
            return;
          }
          if (!restart()) {
            return;
          }
          client.close();
          client = new NodeStatusClient(record.port(), config, record.tee().equals("simulation"));
          continue;
        }
        Optional<NodeStatus> s = client.status();
        if (s.isPresent()) {
          metrics = s.get().metrics();
          switch (s.get().state()) {
            case "waiting", "initializing" -> change(NodeState.WAITING, Optional.empty());
            case "running" -> change(NodeState.RUNNING, Optional.empty());
            case "failed" -> {
              change(NodeState.FAILED, Optional.of(s.get().failure().orElse("the runtime failed")));
              terminate();
              return;
            }
            default -> {}
          }
        }
        Thread.sleep(state == NodeState.RUNNING ? SLOW_POLL : FAST_POLL);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      client.close();
    }
  }

  /** After the process died: starts it again from its sealed state, or gives up. */
  private boolean restart() throws InterruptedException {
    if (restarts >= settings.maxRestarts()) {
      change(
          NodeState.FAILED,
          Optional.of("the runtime stopped " + (restarts + 1) + " times; see the app's logs"));
      return false;
    }
    restarts++;
    note("the runtime stopped; restarting it (" + restarts + " of " + settings.maxRestarts() + ")");
    LOG.warn("node of app {} stopped; restart {}", spec.appId(), restarts);
    Thread.sleep(Duration.ofMillis(250L * restarts));
    try {
      // SPAWNING until it answers again: the operator then routes to wherever it now listens.
      change(NodeState.SPAWNING, Optional.empty());
      launch();
      return true;
    } catch (IOException e) {
      change(NodeState.FAILED, Optional.of("the runtime cannot be restarted: " + e.getMessage()));
      return false;
    }
  }

  private void change(NodeState next, Optional<String> failure) {
    if (state == next || state.isFinal()) {
      return;
    }
    state = next;
    LOG.info("node of app {}: {}", spec.appId(), next);
    listener.stateChanged(spec.appId(), next, failure);
  }

  /** One line in the node's log, from the operator. */
  private void note(String line) {
    try {
      Files.writeString(
          logFile(),
          "--- mse operator: " + line + " at " + Instant.now() + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      LOG.warn("cannot write to the log of app {}: {}", spec.appId(), e.getMessage());
    }
  }

  Optional<InetSocketAddress> address() {
    return process.filter(ProcessHandle::isAlive).isPresent() && !state.isFinal()
        ? Optional.of(new InetSocketAddress("127.0.0.1", record.port()))
        : Optional.empty();
  }

  NodeMetrics metrics() {
    NodeMetrics m = metrics;
    double cpu = process.map(h -> ProcessCpu.seconds(h.pid())).orElse(0.0);
    return new NodeMetrics(m.requests(), m.averageLatencyMillis(), m.activeConnections(), cpu);
  }

  /**
   * Stops the node for good: the process, then its sealed state and secrets (an app that stopped
   * never serves again); the log and the config stay for the logs retention.
   */
  void stop() {
    stopping = true;
    Thread w = watcher;
    if (w != null) {
      w.interrupt();
    }
    terminate();
    deleteTree(stateDir());
    deleteTree(dir.resolve("data"));
    deleteTree(secretsDir());
    note("stopped");
    change(NodeState.STOPPED, Optional.empty());
  }

  /** Stops watching without touching the process (operator shutdown). */
  void detach() {
    stopping = true;
    Thread w = watcher;
    if (w != null) {
      w.interrupt();
    }
  }

  private void terminate() {
    process.ifPresent(
        h -> {
          try {
            if (!ProcessStopper.stop(h)) {
              LOG.error("the runtime of app {} (pid {}) does not stop", spec.appId(), h.pid());
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + root + ": " + e.getMessage(), e);
    }
  }
}
