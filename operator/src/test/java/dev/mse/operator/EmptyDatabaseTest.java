package dev.mse.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.operator.store.Database;
import dev.mse.operator.store.EmptyDatabaseException;
import dev.mse.operator.testing.RecordingNodeProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A database that lost its content must not become a fresh operator beside the old nodes. */
class EmptyDatabaseTest {
  @TempDir Path data;

  @Test
  void refusesAnEmptyDatabaseFileBesideNodes() throws Exception {
    Files.createDirectories(data.resolve("nodes").resolve(UUID.randomUUID().toString()));
    Path file = Files.createFile(Database.h2DatabaseFile(data));
    OperatorConfig config = OperatorConfig.defaults(data).withApi("127.0.0.1", 0);

    assertThatThrownBy(() -> Operator.start(config, RecordingNodeProvider::new))
        .isInstanceOf(EmptyDatabaseException.class)
        .hasMessageContaining("the database is empty")
        .hasMessageContaining("1 node(s) and 0 package(s)")
        .message()
        .doesNotContain("\n");
    assertThat(data.resolve("packages")).doesNotExist();
    // nothing was created in it: a restored file can take its place
    try (Database db =
        Database.open(
            Database.existingH2Url(data),
            () -> {
              throw new EmptyDatabaseException("still empty");
            })) {
      throw new AssertionError("the schema was created");
    } catch (EmptyDatabaseException e) {
      assertThat(e).hasMessage("still empty");
    }
    assertThat(file).exists();
  }

  @Test
  void refusesAnEmptyDatabaseBesideNodesKeptOutsideTheDataDirectory(@TempDir Path nodes)
      throws Exception {
    Files.createDirectories(nodes.resolve(UUID.randomUUID().toString()));
    Files.createFile(Database.h2DatabaseFile(data));
    OperatorConfig config =
        OperatorConfig.defaults(data)
            .withApi("127.0.0.1", 0)
            .withIsolation(OperatorConfig.Isolation.defaults().withNodesDir(nodes));

    assertThatThrownBy(() -> Operator.start(config, RecordingNodeProvider::new))
        .isInstanceOf(EmptyDatabaseException.class)
        .hasMessageContaining("1 node(s) and 0 package(s)")
        .hasMessageContaining(nodes.toString());
  }

  @Test
  void refusesAnEmptyDatabaseBesidePackages() throws Exception {
    Files.createDirectories(data.resolve("packages"));
    Files.writeString(data.resolve("packages").resolve(UUID.randomUUID() + ".tar"), "x");
    OperatorConfig config = OperatorConfig.defaults(data).withApi("127.0.0.1", 0);

    assertThatThrownBy(() -> Operator.start(config, RecordingNodeProvider::new))
        .isInstanceOf(EmptyDatabaseException.class)
        .hasMessageContaining("0 node(s) and 1 package(s)");
  }

  @Test
  void aNewDataDirectoryStartsAFreshOperator() throws Exception {
    OperatorConfig config = OperatorConfig.defaults(data).withApi("127.0.0.1", 0);
    try (Operator operator = Operator.start(config, RecordingNodeProvider::new)) {
      assertThat(operator.accounts().account(UUID.randomUUID())).isEmpty();
    }
  }
}
