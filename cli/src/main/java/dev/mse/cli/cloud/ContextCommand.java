package dev.mse.cli.cloud;

import dev.mse.cli.Json;
import dev.mse.cli.PrivateFiles;
import dev.mse.cli.UserError;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mse cloud context}: the deployed apps this machine remembers. */
@Command(
    name = "context",
    mixinStandardHelpOptions = true,
    description = {
      "Manage what this machine remembers of deployed apps ($MSE_CONF_PATH/context/<id>).",
      "--export writes ./<id>.json without the code key: give it to the app's users for"
          + " 'mse cloud verify --context'."
    })
final class ContextCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Action action;

  static final class Action {
    @Option(names = "--list", description = "list the contexts")
    boolean list;

    @Option(names = "--remove", paramLabel = "APP_ID", description = "remove one context")
    UUID remove;

    @Option(names = "--purge", description = "remove every context")
    boolean purge;

    @Option(names = "--export", paramLabel = "APP_ID", description = "write ./<APP_ID>.json")
    UUID export;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (action.list) {
      var all = AppContext.all();
      if (all.isEmpty()) {
        out.println("no contexts");
      }
      for (AppContext c : all) {
        out.println(c.appId() + "  " + c.name() + "  " + c.domain() + "  expires " + c.expires());
      }
    } else if (action.remove != null) {
      require(action.remove);
      AppContext.remove(action.remove);
      out.println("removed the context of " + action.remove);
    } else if (action.purge) {
      for (AppContext c : AppContext.all()) {
        AppContext.remove(c.appId());
      }
      out.println("removed every context");
    } else {
      AppContext c = require(action.export);
      Path file = Path.of(action.export + ".json").toAbsolutePath();
      PrivateFiles.writePublic(file, Json.write(c.toJson()).getBytes(StandardCharsets.UTF_8));
      out.println("wrote " + file + " (no secret in it)");
    }
    out.flush();
    return 0;
  }

  private static AppContext require(UUID id) {
    return AppContext.find(id)
        .orElseThrow(() -> new UserError("no context for " + id + " ('context --list')"));
  }
}
