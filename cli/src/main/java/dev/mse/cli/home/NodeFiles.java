package dev.mse.cli.home;

import dev.mse.cli.UserError;
import dev.mse.cli.owner.AppBuilder;
import java.io.IOException;
import java.nio.file.Files;

/** Stopping a home app's runtime and cleaning up after it. */
final class NodeFiles {
  private NodeFiles() {}

  /** Stops the runtime and deletes the app's secrets files; false if it was not running. */
  static boolean stop(HomeApp app) {
    boolean stopped = RuntimeProcess.stop(app);
    try {
      Files.deleteIfExists(app.pidFile());
      AppBuilder.deleteTree(app.secretsDir());
    } catch (IOException e) {
      throw new UserError("cannot clean up after " + app.name() + ": " + e.getMessage(), e);
    }
    return stopped;
  }

  /** Forgets the app and deletes its sealed state and data (its log and evidence stay). */
  static void remove(HomeApp app) {
    try {
      AppBuilder.deleteTree(app.stateDir());
      AppBuilder.deleteTree(app.dataDir());
    } catch (IOException e) {
      throw new UserError("cannot delete the state of " + app.name() + ": " + e.getMessage(), e);
    }
    AppRegistry.remove(app.name());
  }
}
