package dev.mse.cli.cloud;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mse cloud stop APP_ID...}. */
@Command(
    name = "stop",
    mixinStandardHelpOptions = true,
    description =
        "Stop apps for good: their enclaves and sealed state are destroyed (the encrypted package"
            + " stays unreadable) and their local context is removed.")
final class StopCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "APP_ID", description = "the apps' UUIDs")
  List<UUID> ids;

  @Override
  public Integer call() {
    ApiClient api = ApiClient.loggedIn();
    PrintWriter out = spec.commandLine().getOut();
    for (UUID id : ids) {
      api.stop(id);
      AppStatusWait.until(api, id, Set.of("stopped"), Duration.ofMinutes(1));
      AppContext.remove(id);
      out.println("stopped " + id);
      out.flush();
    }
    return 0;
  }
}
