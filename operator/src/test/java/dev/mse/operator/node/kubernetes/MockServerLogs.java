package dev.mse.operator.node.kubernetes;

import java.util.logging.Level;
import java.util.logging.Logger;

/** Keeps the mock server's request log (java.util.logging, INFO per request) out of test output. */
final class MockServerLogs {
  private MockServerLogs() {}

  /** The logger, to be held in a static field (java.util.logging keeps loggers weakly). */
  static Logger quiet() {
    Logger log = Logger.getLogger("io.fabric8.mockwebserver");
    log.setLevel(Level.WARNING);
    return log;
  }
}
