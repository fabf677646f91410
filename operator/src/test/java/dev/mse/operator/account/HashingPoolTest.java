package dev.mse.operator.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.operator.OperatorConfig;
import dev.mse.operator.OperatorException;
import dev.mse.operator.apps.HardwareCatalog;
import dev.mse.operator.store.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flood of sign-ins with a right email fills the password-hashing pool: what does not fit is
 * refused at once with 503 {@code busy}, everything else is answered, and nothing waits in an
 * unbounded queue.
 */
class HashingPoolTest {
  @TempDir Path dir;

  @Test
  void aFullHashingQueueIsA503NotAnEndlessQueue() throws Exception {
    try (Database db = Database.open(Database.h2Url(dir))) {
      OperatorConfig config = OperatorConfig.defaults(dir);
      new HardwareCatalog(db).sync(config);
      AccountService accounts = new AccountService(db, config, Clock.systemUTC());
      accounts.createAccount("alice@example.com", "correct horse battery staple");
      int callers = 200;
      CountDownLatch start = new CountDownLatch(1);
      List<Future<String>> answers = new ArrayList<>();
      try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < callers; i++) {
          // One source each, so that the per-source sign-in limit is not what refuses them.
          String source = "10.0." + (i / 250) + "." + (i % 250);
          answers.add(
              threads.submit(
                  () -> {
                    start.await();
                    try {
                      return accounts
                              .authenticate(
                                  source, "alice@example.com", "correct horse battery staple")
                              .isPresent()
                          ? "ok"
                          : "wrong";
                    } catch (OperatorException e) {
                      return e.kind().status() + " " + e.code();
                    }
                  }));
        }
        start.countDown();
      }
      List<String> results = new ArrayList<>();
      for (Future<String> f : answers) {
        results.add(f.get());
      }
      assertThat(results).hasSize(callers).containsOnly("ok", "503 busy");
      assertThat(results).contains("503 busy").contains("ok");
    }
  }
}
