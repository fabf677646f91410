package dev.mse.operator.cluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells this instance when another changed the apps: {@code LISTEN} on a connection of its own,
 * waiting in {@link PGConnection#getNotifications(int)}. A notification carries the id of the app
 * that changed, and the listener updates that app alone; one without an id (or with anything else),
 * every new connection, and every {@link #BACKSTOP} in any case (a notification lost while
 * reconnecting, or never sent by an instance that died between its commit and its notify) make it
 * reload everything. A failed connection is opened again after a second.
 */
final class RouteFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RouteFeed.class);

  /** The longest between two reloads, notified or not. */
  static final Duration BACKSTOP = Duration.ofSeconds(10);

  private static final int WAIT_MILLIS = 500;

  private final String jdbcUrl;
  private final String channel;
  private final Consumer<Set<UUID>> changed;
  private final Runnable reload;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Connection connection;

  /**
   * @param changed the apps named by a batch of notifications
   * @param reload everything, when changes may have been missed
   */
  RouteFeed(String jdbcUrl, String channel, Consumer<Set<UUID>> changed, Runnable reload) {
    this.jdbcUrl = jdbcUrl;
    this.channel = channel;
    this.changed = changed;
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
          if (System.nanoTime() - last > BACKSTOP.toNanos()) {
            safeReload();
            last = System.nanoTime();
          } else if (batch != null && batch.length > 0) {
            Optional<Set<UUID>> apps = appsOf(batch);
            if (apps.isPresent()) {
              safely(() -> changed.accept(apps.get()));
            } else {
              safeReload();
              last = System.nanoTime();
            }
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

  /** The apps a batch names, once each; empty if one of them names none (reload everything). */
  static Optional<Set<UUID>> appsOf(PGNotification[] batch) {
    Set<UUID> apps = new LinkedHashSet<>();
    for (PGNotification n : batch) {
      String payload = n.getParameter();
      try {
        UUID id = UUID.fromString(payload == null ? "" : payload);
        if (!id.toString().equals(payload)) {
          return Optional.empty();
        }
        apps.add(id);
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
    return Optional.of(apps);
  }

  private void safeReload() {
    safely(reload);
  }

  private static void safely(Runnable work) {
    try {
      work.run();
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
