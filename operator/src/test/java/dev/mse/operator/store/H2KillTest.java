package dev.mse.operator.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.operator.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A commit the operator confirmed survives the operator being killed (SIGKILL) right after: H2's
 * default write delay lost every commit of the last half second.
 */
class H2KillTest {
  private static final int COMMITS = 6;

  @TempDir Path data;

  @Test
  void everyConfirmedCommitSurvivesAKillRightAfter() throws Exception {
    Process child =
        ChildJvm.start(CommitsThenWaits.class, data.toString(), Integer.toString(COMMITS));
    List<String> confirmed = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while (confirmed.size() < COMMITS && (line = out.readLine()) != null) {
        if (line.startsWith("committed ")) {
          confirmed.add(line.substring("committed ".length()));
        }
      }
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no close
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    assertThat(confirmed).hasSize(COMMITS);

    try (Database db = Database.open(Database.h2Url(data))) {
      List<String> kept =
          db.read(c -> HardwareTable.all(c)).stream().map(HardwareOffer::name).toList();
      assertThat(kept).containsAll(confirmed);
    }
  }
}
