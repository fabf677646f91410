package dev.mse.operator.apps;

import dev.mse.operator.node.FoundNode;
import dev.mse.operator.node.NodeProvider;
import dev.mse.operator.node.NodeState;
import dev.mse.operator.store.AppStatus;
import dev.mse.operator.store.AppTable;
import dev.mse.operator.store.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the host agree with the database when the operator starts, before live apps are resumed. An
 * operator killed at any moment of a deployment or a stop leaves one of these behind, each removed
 * or settled here and logged:
 *
 * <ul>
 *   <li>an upload still in {@code uploads/} (no request survives a restart): removed;
 *   <li>a package in {@code packages/} with no app row (killed before the deployment committed):
 *       removed;
 *   <li>a node (directory or runtime process) with no app row: its runtimes stopped, the node
 *       removed; a runtime of an app that has ended: stopped and removed;
 *   <li>a running app whose node is gone with its sealed state: it cannot serve again without its
 *       owner, so it is marked failed. A live app that was not serving yet is started again by the
 *       resume that follows, and waits for its owner as a new deployment does.
 * </ul>
 */
public final class StartupReconciliation {
  private static final Logger LOG = LoggerFactory.getLogger(StartupReconciliation.class);

  /**
   * What the reconciliation did.
   *
   * @param uploadsRemoved the upload leftovers removed
   * @param packagesRemoved the apps whose package had no row and was removed
   * @param nodesDiscarded the apps whose node was stopped and removed
   * @param appsFailed the apps marked failed because their node is gone
   */
  public record Outcome(
      List<Path> uploadsRemoved,
      List<UUID> packagesRemoved,
      List<UUID> nodesDiscarded,
      List<UUID> appsFailed) {}

  private final Database db;
  private final NodeProvider nodes;
  private final AppService apps;

  public StartupReconciliation(Database db, NodeProvider nodes, AppService apps) {
    this.db = db;
    this.nodes = nodes;
    this.apps = apps;
  }

  /** Runs once, at start-up, before {@link AppService#resumeAll()}. */
  public Outcome run() {
    Outcome files = runFiles();
    Outcome nodes = runNodes();
    return new Outcome(
        files.uploadsRemoved(),
        files.packagesRemoved(),
        nodes.nodesDiscarded(),
        nodes.appsFailed());
  }

  /**
   * The uploads and orphan packages of this instance's data directory: what every instance of
   * several does for itself at start-up, before its API serves (no deployment of its own is under
   * way; other instances' packages live in their own data directories).
   */
  public Outcome runFiles() {
    Map<UUID, AppStatus> rows = db.read(AppTable::statuses);
    List<Path> uploads = removeUploads();
    List<UUID> packages = removeOrphanPackages(rows);
    return new Outcome(uploads, packages, List.of(), List.of());
  }

  /**
   * The nodes against the database: what discards and fails, so the leader's alone when several
   * instances share the database (on election, before it adopts the nodes).
   */
  public Outcome runNodes() {
    Map<UUID, AppStatus> rows = db.read(AppTable::statuses);
    Map<UUID, FoundNode> found =
        nodes.findNodes().stream().collect(Collectors.toMap(FoundNode::appId, Function.identity()));
    List<UUID> discarded = new ArrayList<>();
    for (FoundNode node : found.values()) {
      Optional<AppStatus> status = Optional.ofNullable(rows.get(node.appId()));
      if (status.isEmpty()) {
        LOG.warn(
            "node of app {} has no app in the database: stopping and removing it", node.appId());
      } else if (!status.get().isLive() && node.runtimeRuns()) {
        LOG.warn("app {} is {} but its runtime runs: stopping it", node.appId(), status.get());
      } else {
        continue;
      }
      nodes.discard(node.appId());
      discarded.add(node.appId());
    }
    List<UUID> failed = new ArrayList<>();
    rows.forEach(
        (id, status) -> {
          FoundNode node = found.get(id);
          if (!status.isLive() || (node != null && node.canResume())) {
            return;
          }
          if (status == AppStatus.RUNNING) {
            LOG.warn("app {} was running but its node and sealed state are gone: failed", id);
            apps.nodeStateChanged(
                id,
                NodeState.FAILED,
                Optional.of(
                    "its node and sealed state were lost while the operator was down; deploy it"
                        + " again"));
            failed.add(id);
          } else {
            LOG.info("app {} is {} and has no node yet: it starts again", id, status.wireName());
          }
        });
    return new Outcome(List.of(), List.of(), discarded, failed);
  }

  /** Every file in the uploads directory: no upload outlives the request that streamed it. */
  private List<Path> removeUploads() {
    List<Path> removed = new ArrayList<>();
    for (Path file : list(apps.uploadDirectory())) {
      LOG.warn("removing the upload leftover {}", file.getFileName());
      delete(file);
      removed.add(file);
    }
    return removed;
  }

  /** Packages ({@code <app id>.tar}) of apps the database does not know. */
  private List<UUID> removeOrphanPackages(Map<UUID, AppStatus> rows) {
    List<UUID> removed = new ArrayList<>();
    for (Path file : list(apps.packageDirectory())) {
      Optional<UUID> id = AppService.packageOwner(file);
      if (id.isPresent() && !rows.containsKey(id.get())) {
        LOG.warn("removing the package of app {}: no app in the database owns it", id.get());
        delete(file);
        removed.add(id.get());
      }
    }
    return removed;
  }

  private static List<Path> list(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // left for the next start; nothing uses it
      LOG.error("cannot remove {}: {}", file, e.getMessage());
    }
  }
}
