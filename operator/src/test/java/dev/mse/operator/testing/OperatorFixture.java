package dev.mse.operator.testing;

import dev.mse.operator.Operator;
import dev.mse.operator.OperatorConfig;
import dev.mse.operator.node.FoundNode;
import dev.mse.operator.store.Account;
import dev.mse.operator.store.Jdbc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/** A real operator (API on a free loopback port) over a test database and a recording provider. */
public final class OperatorFixture implements AutoCloseable {
  public static final String PASSWORD = "correct horse battery";

  public final Operator operator;
  public final RecordingNodeProvider nodes;
  public final TestDatabase database;
  public final OperatorConfig config;
  public final MutableClock clock;

  private OperatorFixture(
      Operator operator,
      RecordingNodeProvider nodes,
      TestDatabase database,
      OperatorConfig config,
      MutableClock clock) {
    this.operator = operator;
    this.nodes = nodes;
    this.database = database;
    this.config = config;
    this.clock = clock;
  }

  public static OperatorFixture start(TestDatabase.Kind kind, Path dir) throws Exception {
    return start(kind, dir, UnaryOperator.identity());
  }

  public static OperatorFixture start(
      TestDatabase.Kind kind, Path dir, UnaryOperator<OperatorConfig> customize) throws Exception {
    TestDatabase db = TestDatabase.create(kind, dir.resolve("h2"));
    Path trustedCas = dir.resolve("trusted-cas.pem");
    Files.writeString(trustedCas, TestCa.SHARED.certificatePem());
    OperatorConfig config =
        customize.apply(
            OperatorConfig.defaults(dir.resolve("data"))
                .withDatabaseUrl(db.url())
                .withApi("127.0.0.1", 0)
                .withDomainTrustAnchors(trustedCas));
    return start(db, config, new MutableClock());
  }

  /** Starts (or restarts) an operator over an existing database and config. */
  public static OperatorFixture start(TestDatabase db, OperatorConfig config, MutableClock clock)
      throws Exception {
    return start(db, config, clock, List.of());
  }

  /**
   * Restarts an operator whose provider finds {@code onHost} on its host (the nodes that outlived
   * the operator before).
   */
  public static OperatorFixture start(
      TestDatabase db, OperatorConfig config, MutableClock clock, List<FoundNode> onHost)
      throws Exception {
    AtomicReference<RecordingNodeProvider> nodes = new AtomicReference<>();
    Operator operator =
        Operator.start(
            config,
            listener -> {
              nodes.set(new RecordingNodeProvider(listener));
              nodes.get().onHost.addAll(onHost);
              return nodes.get();
            },
            clock);
    return new OperatorFixture(operator, nodes.get(), db, config, clock);
  }

  /** A new account and an API client holding a fresh token of it. */
  public ApiClient signedIn(String email) throws Exception {
    Account account = operator.accounts().createAccount(email, PASSWORD);
    String token = operator.accounts().createToken(account.id(), "test").secret();
    return anonymous().withToken(token);
  }

  public ApiClient anonymous() {
    return new ApiClient(operator.apiUri(), Optional.empty());
  }

  public int appRows() {
    return operator
        .database()
        .read(c -> Jdbc.one(c, "SELECT COUNT(*) AS n FROM apps", rs -> rs.getInt("n")).orElse(0));
  }

  /** Files under packages/ and uploads/: none may be left by a refused deployment. */
  public long storedFiles() throws Exception {
    long n = 0;
    for (String dir : new String[] {"packages", "uploads"}) {
      Path p = config.dataDir().resolve(dir);
      if (Files.isDirectory(p)) {
        try (Stream<Path> files = Files.list(p)) {
          n += files.count();
        }
      }
    }
    return n;
  }

  /** Stops the operator but keeps the database (for restart tests). */
  public void stopOperator() throws Exception {
    operator.close();
  }

  @Override
  public void close() throws Exception {
    try {
      operator.close();
    } finally {
      database.close();
    }
  }
}
