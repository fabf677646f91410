package dev.mse.operator.node.local;

import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.operator.node.NodeAddress;
import dev.mse.operator.node.NodeListener;
import dev.mse.operator.node.NodeMetrics;
import dev.mse.operator.node.NodeSpec;
import dev.mse.operator.node.NodeState;
import dev.mse.operator.node.runtime.Confinement;
import dev.mse.operator.node.runtime.EvidenceVerdict;
import dev.mse.operator.node.runtime.GramineLaunch;
import dev.mse.operator.node.runtime.LoopbackPorts;
import dev.mse.operator.node.runtime.NodeStatus;
import dev.mse.operator.node.runtime.NodeStatusClient;
import dev.mse.operator.node.runtime.ProcessStopper;
import dev.mse.operator.node.runtime.RuntimeLaunch;
import dev.mse.protocol.deploy.DeploymentConfig;
import dev.mse.protocol.deploy.DeploymentConfigException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One app's runtime on this host: its directory, its process, and a watcher that polls the
 * runtime's status over verified RA-TLS, tells the listener about every change, caps its log, and
 * restarts a runtime that died from its sealed state (a bounded number of times).
 *
 * <p>The directory {@code <nodes>/<app-id>/} belongs to the operator: {@code node.json} and {@code
 * runtime.log} (0600; the runtime writes its log through the descriptor the operator opened, so it
 * cannot open, replace or link it). Inside it, {@code home/} belongs to the runtime's user (0700):
 * {@code deployment.json}, {@code package.tar}, the sealed {@code state/}, {@code data/} and {@code
 * tmp/}. Its secrets directory on tmpfs is the runtime user's too (0700).
 */
final class LocalNode {
  private static final Logger LOG = LoggerFactory.getLogger(LocalNode.class);
  private static final Duration FAST_POLL = Duration.ofMillis(100);
  private static final Duration SLOW_POLL = Duration.ofSeconds(1);
  private static final Path TMPFS = Path.of("/dev/shm");

  /** Both ports of a local node listen on loopback: the SNI proxy is the only way in. */
  private static final String HOST = "127.0.0.1";

  private final LocalNodeProvider.Settings settings;
  private final LocalNodeProvider.Host host;
  private final NodeSpec spec;
  private final DeploymentConfig config;
  private final NodeListener listener;
  private final Path dir;
  private volatile NodeRecord record;
  private volatile Optional<ProcessHandle> process = Optional.empty();
  private volatile NodeState state = NodeState.SPAWNING;
  private volatile NodeMetrics metrics = NodeMetrics.NONE;
  private volatile boolean stopping;

  /**
   * Wakes the watcher from its pause when the node stops or its process exits, so that a runtime
   * that died is restarted (and no longer reported running) at once rather than at the next poll.
   * Not an interrupt: the watcher is the thread that reports states to the listener, which writes
   * them to the database, and an interrupt during H2's file I/O closes its FileChannel and with it
   * the whole database (OperatorKillTest saw every later request answer 500).
   */
  private final Semaphore wake = new Semaphore(0);

  private int restarts;
  private boolean released;

  private LocalNode(
      LocalNodeProvider.Host host, NodeSpec spec, NodeListener listener, NodeRecord record) {
    this.settings = host.settings();
    this.host = host;
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
  static LocalNode open(LocalNodeProvider.Host host, NodeSpec spec, NodeListener listener)
      throws IOException {
    LocalNodeProvider.Settings settings = host.settings();
    Path dir = settings.nodesDir().resolve(spec.appId().toString());
    Path recordFile = dir.resolve("node.json");
    NodeRecord record;
    if (Files.isRegularFile(recordFile, LinkOption.NOFOLLOW_LINKS)) {
      NodeRecord found = NodeRecord.read(recordFile);
      if (host.users().isPresent() && found.uid() <= 0) {
        // a node of before the runtime users: it gets one now (never root)
        found = found.withUid(host.users().get().allocate());
      } else if (found.uid() > 0) {
        int uid = found.uid();
        if (host.users().isPresent() && !host.users().get().reserve(uid)) {
          LOG.warn(
              "the node of app {} runs as user {}, which another operator of this host claims",
              spec.appId(),
              uid);
        }
      }
      record = found;
    } else {
      int uid = host.users().isPresent() ? host.users().get().allocate() : NodeRecord.SHARED_USER;
      int enclavePort = LoopbackPorts.free();
      record =
          new NodeRecord(
              enclavePort, freePortBut(enclavePort), -1, settings.tee(), spec.enclaveSizeMb(), uid);
    }
    LocalNode node = new LocalNode(host, spec, listener, record);
    if (host.users().isPresent()) {
      NodeFiles.traversableDir(dir);
    } else {
      NodeFiles.privateDir(dir, OptionalInt.empty());
    }
    NodeFiles.privateFile(node.logFile());
    NodeFiles.privateFile(recordFile);
    record.write(recordFile);
    node.prepareHome();
    return node;
  }

  /** A free loopback port other than {@code taken} (a node's two ports are never the same). */
  private static int freePortBut(int taken) {
    int port = LoopbackPorts.free();
    while (port == taken) {
      port = LoopbackPorts.free();
    }
    return port;
  }

  /** The runtime's own directories, owned by its user, and the files it reads. */
  private void prepareHome() throws IOException {
    OptionalInt uid = record.runAs();
    NodeFiles.privateDir(homeDir(), uid);
    // A node of before the runtime users kept its sealed state beside node.json.
    Path oldState = dir.resolve("state");
    if (Files.isDirectory(oldState, LinkOption.NOFOLLOW_LINKS) && !Files.exists(stateDir())) {
      Files.move(oldState, stateDir());
    }
    for (Path d : List.of(stateDir(), dataDir(), tmpDir())) {
      NodeFiles.privateDir(d, uid);
      if (uid.isPresent()) {
        NodeFiles.giveTree(d, uid.getAsInt());
      }
    }
    NodeFiles.privateDir(secretsDir(), uid);
    // home/ is the runtime's: a name in it may be a link it planted, so the file is made anew
    // (O_EXCL does not follow links) rather than written through whatever is there
    Files.deleteIfExists(configFile());
    Files.write(configFile(), spec.deploymentConfig(), StandardOpenOption.CREATE_NEW);
    NodeFiles.readableCopy(spec.packageFile(), packageFile(), uid);
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

  private Path homeDir() {
    return dir.resolve("home");
  }

  private Path configFile() {
    return homeDir().resolve("deployment.json");
  }

  private Path packageFile() {
    return homeDir().resolve("package.tar");
  }

  private Path stateDir() {
    return homeDir().resolve("state");
  }

  private Path dataDir() {
    return homeDir().resolve("data");
  }

  private Path tmpDir() {
    return homeDir().resolve("tmp");
  }

  private Path secretsDir() {
    return secretsDir(spec.appId());
  }

  /** The tmpfs directory of an app's secrets files. */
  static Path secretsDir(UUID appId) {
    Path base = Files.isDirectory(TMPFS) ? TMPFS : Path.of(System.getProperty("java.io.tmpdir"));
    return base.resolve("mse-node-" + appId);
  }

  /**
   * Where a gramine-sgx node's manifest, signed manifest and SIGSTRUCT are: the operator's own
   * directory (the signing tools run as the operator), readable by the runtime's user.
   */
  private Path gramineDir() {
    return dir.resolve("gramine");
  }

  /** What {@code gramine-sgx} runs for the node of {@code appId}. */
  static Path gramineApp(LocalNodeProvider.Settings settings, UUID appId) {
    return settings
        .nodesDir()
        .resolve(appId.toString())
        .resolve("gramine")
        .resolve(GramineLaunch.APPLICATION);
  }

  /** True when the recorded process still runs and is this node's runtime. */
  boolean attach() {
    Path gramineApp = gramineApp(settings, spec.appId());
    Optional<ProcessHandle> found =
        ProcessHandle.of(record.pid())
            .filter(ProcessHandle::isAlive)
            .filter(
                h -> {
                  String line = RuntimeLaunch.commandLine(h);
                  return RuntimeLaunch.isRuntimeOf(line, configFile())
                      || GramineLaunch.isRuntimeOf(line, gramineApp);
                });
    // Not watched for its exit: the JDK sees a process that is not its child end only by polling
    // it, from a thread of its own per process; the watcher's own poll does as well.
    process = found;
    return found.isPresent();
  }

  /** Starts the runtime process (again). */
  void launch() throws IOException {
    // A restarted runtime keeps its ports when it can (its connections of before may linger);
    // the app binds its app port on the same host as the runtime's enclave port.
    if (!LoopbackPorts.isFree(HOST, record.port(), true)
        || !LoopbackPorts.isFree(HOST, record.appPort(), true)) {
      if (record.tee().equals("gramine-sgx") && record.pid() > 0) {
        // The ports are in the measured manifest: other ports, another MRENCLAVE, and the
        // sealed state (encrypted to MRENCLAVE) could no longer be read.
        throw new IOException(
            "its ports "
                + record.port()
                + " and "
                + record.appPort()
                + " are taken, and a gramine-sgx node keeps its ports: they are part of its"
                + " MRENCLAVE, to which its sealed state is bound");
      }
      int enclavePort = LoopbackPorts.free();
      record = record.withPorts(enclavePort, freePortBut(enclavePort));
    }
    RuntimeLaunch launch =
        new RuntimeLaunch(
            settings.runtimeDir(),
            configFile(),
            packageFile(),
            HOST,
            record.port(),
            record.appPort(),
            stateDir(),
            secretsDir(),
            dataDir(),
            record.tee(),
            record.sizeMb(),
            settings.provisioningTimeout().toMinutes(),
            homeDir(),
            logFile(),
            settings.frontConnectionsPerSource(),
            settings.pccs());
    Confinement confinement =
        new Confinement(
            record.runAs(),
            Math.max(1, spec.cores()),
            host.limits().prepare(spec.appId(), record.sizeMb(), Math.max(1, spec.cores())),
            tmpDir(),
            homeDir());
    if (record.tee().equals("gramine-sgx")) {
      // read by the runtime's user (gramine-sgx runs as it), written by the operator only
      Files.createDirectories(gramineDir());
      Files.setPosixFilePermissions(
          gramineDir(), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Process p =
        launch.start(
            "--- mse operator: starting the runtime of app " + spec.appId(),
            Optional.of(confinement),
            settings.gramine(),
            gramineDir(),
            Math.max(1, spec.cores()));
    record = record.withPid(p.pid());
    record.write(dir.resolve("node.json"));
    watchProcess(p.toHandle());
  }

  /**
   * Watches the node on a virtual thread until it stops or fails for good.
   *
   * @param newNode a node just started for a new app, rather than one resumed after an operator
   *     restart (which answered before, so is never failed for want of collateral)
   */
  void watch(boolean newNode) {
    Thread.ofVirtual().name("node-" + spec.appId()).start(() -> watchLoop(newNode));
  }

  private void watchLoop(boolean newNode) {
    NodeStatusClient client = statusClient();
    EvidenceVerdict verdict = new EvidenceVerdict(!newNode, settings.pccs());
    try {
      while (!stopping) {
        LogRotation.capSize(logFile(), settings.logMaxBytes());
        ProcessHandle h = process.orElse(null);
        if (h == null || !h.isAlive()) {
          if (stopping) {
            return;
          }
          if (!restart()) {
            if (!stopping) {
              release();
            }
            return;
          }
          client.close();
          client = statusClient();
          continue;
        }
        Optional<NodeStatus> s = client.status();
        Optional<String> failure = verdict.after(client, s.isPresent(), Instant.now());
        if (failure.isPresent()) {
          // A refusal (a revoked key, a TCB level the policy does not accept) or collateral missing
          // for too long: waiting would not change that, so the app fails now, with the reason.
          note(failure.get());
          change(NodeState.FAILED, failure);
          release();
          return;
        }
        if (s.isPresent()) {
          metrics = s.get().metrics();
          switch (s.get().state()) {
            case "waiting", "initializing" -> change(NodeState.WAITING, Optional.empty());
            case "running" -> change(NodeState.RUNNING, Optional.empty());
            case "failed" -> {
              change(NodeState.FAILED, Optional.of(s.get().failure().orElse("the runtime failed")));
              release();
              return;
            }
            default -> {}
          }
        }
        pause(state == NodeState.RUNNING ? SLOW_POLL : FAST_POLL);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      client.close();
    }
  }

  /**
   * A client for the node's status, which holds its evidence to the node policy: simulated evidence
   * only where that policy allows it (by default, from {@code simulation} nodes only).
   */
  private NodeStatusClient statusClient() {
    AppraisalPolicy policy = settings.nodePolicy();
    return new NodeStatusClient(
        record.port(),
        config,
        policy.withAllowSimulation(policy.allowSimulation() || record.tee().equals("simulation")),
        settings.pccs(),
        settings.nodesDir().resolve("collateral-cache"));
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
    wake.drainPermits(); // the exit that brought us here
    pause(Duration.ofMillis(250L * restarts));
    // With release(): a node stopped during the pause gets no new process (it would outlive the
    // stop, under a user id given back to the pool).
    synchronized (this) {
      if (stopping || released) {
        return false;
      }
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
  }

  /** Waits {@code d}, or less when the node stops or its process exits. */
  private void pause(Duration d) throws InterruptedException {
    if (wake.tryAcquire(d.toMillis(), TimeUnit.MILLISECONDS)) {
      wake.drainPermits();
    }
  }

  /** The node's process from now on, a child of this JVM: its exit wakes the watcher. */
  private void watchProcess(ProcessHandle h) {
    process = Optional.of(h);
    h.onExit().thenRun(wake::release);
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

  Optional<NodeAddress> address() {
    NodeRecord r = record;
    return process.filter(ProcessHandle::isAlive).isPresent() && !state.isFinal()
        ? Optional.of(
            new NodeAddress(
                new InetSocketAddress(HOST, r.port()), new InetSocketAddress(HOST, r.appPort())))
        : Optional.empty();
  }

  NodeMetrics metrics() {
    NodeMetrics m = metrics;
    double cpu = process.map(h -> ProcessCpu.seconds(h.pid())).orElse(0.0);
    return new NodeMetrics(
        m.requests(),
        m.averageLatencyMillis(),
        m.activeConnections(),
        cpu,
        m.heapMaxBytes(),
        m.directMaxBytes());
  }

  /**
   * Stops the node for good, whatever its state: the process, then everything of the runtime (an
   * app that stopped never serves again); only the operator's log stays for the logs retention.
   */
  void stop() {
    stopping = true;
    wake.release();
    release();
    note("stopped");
    change(NodeState.STOPPED, Optional.empty());
  }

  /**
   * Ends the runtime for good: its process and every process of its user, its home (sealed state,
   * data, package, config), its secrets and cgroup; then frees its user id. Idempotent.
   */
  private synchronized void release() {
    if (released) {
      return;
    }
    terminate();
    OptionalInt uid = record.runAs();
    uid.ifPresent(RuntimeUsers::killAll);
    NodeFiles.deleteTree(homeDir());
    NodeFiles.deleteTree(secretsDir());
    host.limits().remove(spec.appId());
    try {
      Files.deleteIfExists(dir.resolve("node.json"));
    } catch (IOException e) {
      LOG.warn("cannot remove the record of the node of app {}: {}", spec.appId(), e.getMessage());
    }
    if (uid.isPresent() && RuntimeUsers.processesOf(uid.getAsInt()).isEmpty()) {
      host.users().ifPresent(u -> u.release(uid.getAsInt()));
    }
    released = true;
  }

  /** Stops watching without touching the process (operator shutdown). */
  void detach() {
    stopping = true;
    wake.release();
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
}
