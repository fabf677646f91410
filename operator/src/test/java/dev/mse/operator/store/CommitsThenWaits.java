package dev.mse.operator.store;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A child JVM for {@link H2KillTest}: opens the H2 database of a data directory, commits {@code
 * count} hardware rows (in transactions and in auto-commit, alternately), says so after each, then
 * waits to be killed.
 */
public final class CommitsThenWaits {
  private CommitsThenWaits() {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    int count = Integer.parseInt(args[1]);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    Database db = Database.open(Database.h2Url(data));
    for (int i = 0; i < count; i++) {
      HardwareOffer offer = new HardwareOffer("hw" + i, 1024, 1, 256);
      if (i % 2 == 0) {
        db.inTransaction(
            c -> {
              HardwareTable.put(c, offer);
              return null;
            });
      } else {
        db.read(
            c -> {
              HardwareTable.put(c, offer);
              return null;
            });
      }
      out.println("committed " + offer.name());
    }
    Thread.sleep(Long.MAX_VALUE);
  }
}
