package dev.mse.operator.cluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells this instance when another changed the apps: {@code LISTEN} on a connection of its own,
 * waiting in {@link PGConnection#getNotifications(int)}; on a notification, and every {@link
 * #BACKSTOP} in any case (a notification lost while reconnecting), the listener reloads. A failed
 * connection is opened again after a second, and the listener reloads then too.
 */
final class RouteFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RouteFeed.class);

  /** The longest between two reloads, notified or not. */
  static final Duration BACKSTOP = Duration.ofSeconds(10);

  private static final int WAIT_MILLIS = 500;

  private final String jdbcUrl;
  private final String channel;
  private final Runnable reload;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Connection connection;

  RouteFeed(String jdbcUrl, String channel, Runnable reload) {
    this.jdbcUrl = jdbcUrl;
    this.channel = channel;
    this.reload = reload;
    this.thread = Thread.ofPlatform().name("operator-feed").daemon().unstarted(this::run);
  }

  void start() {
    thread.start();
  }

  private void run() {
    while (running) {
      try (Connection c = DriverManager.getConnection(jdbcUrl)) {
        connection = c;
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + channel);
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        safeReload();
        long last = System.nanoTime();
        while (running) {
          PGNotification[] batch = pg.getNotifications(WAIT_MILLIS);
          if ((batch != null && batch.length > 0)
              || System.nanoTime() - last > BACKSTOP.toNanos()) {
            // one reload for all the notifications that came together
            safeReload();
            last = System.nanoTime();
          }
        }
      } catch (SQLException e) {
        if (running) {
          LOG.warn("the apps' feed failed ({}): listening again in a second", e.getMessage());
        }
      } finally {
        connection = null;
      }
      sleep();
    }
  }

  private void safeReload() {
    try {
      reload.run();
    } catch (RuntimeException e) {
      LOG.warn("reloading the apps failed: {}", e.getMessage());
    }
  }

  private void sleep() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      running = false;
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    Connection c = connection;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // closing anyway
      }
    }
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
