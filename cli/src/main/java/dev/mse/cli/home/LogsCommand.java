package dev.mse.cli.home;

import dev.mse.cli.Json;
import dev.mse.cli.UserError;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.node.ObjectNode;

/** {@code mse home logs NAME [-f]}. */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    description =
        "Print the runtime's log (DIR/runtime.log: the runtime's and the app's output). With -f,"
            + " keep printing what it writes until the runtime stops. Role: SGX operator.")
final class LogsCommand implements Callable<Integer> {
  private static final Duration FOLLOW_PERIOD = Duration.ofMillis(500);

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "NAME", description = "the app")
  String name;

  @Option(
      names = {"-f", "--follow"},
      description = "follow the log")
  boolean follow;

  @Option(names = "--json", description = "print JSON")
  boolean json;

  @Override
  public Integer call() {
    HomeApp app = AppRegistry.load(name);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      if (follow) {
        throw new UserError("--json prints the log once: it does not go with --follow");
      }
      java.io.StringWriter text = new java.io.StringWriter();
      try (RandomAccessFile log = new RandomAccessFile(app.logFile().toFile(), "r");
          PrintWriter w = new PrintWriter(text)) {
        copy(log, 0, w);
      } catch (IOException e) {
        throw new UserError("cannot read " + app.logFile() + ": " + e.getMessage(), e);
      }
      ObjectNode n = Json.object();
      n.put("name", name);
      n.put("log", text.toString());
      out.println(Json.write(n));
      out.flush();
      return 0;
    }
    try (RandomAccessFile log = new RandomAccessFile(app.logFile().toFile(), "r")) {
      long position = copy(log, 0, out);
      while (follow) {
        boolean alive = RuntimeProcess.find(app).isPresent();
        LocalNode.sleep(FOLLOW_PERIOD);
        position = copy(log, position, out);
        if (!alive) {
          break;
        }
      }
    } catch (java.io.FileNotFoundException e) {
      throw new UserError("no log " + app.logFile(), e);
    } catch (IOException e) {
      throw new UserError("cannot read " + app.logFile() + ": " + e.getMessage(), e);
    }
    return 0;
  }

  private static long copy(RandomAccessFile log, long from, PrintWriter out) throws IOException {
    long length = log.length();
    if (length < from) {
      from = 0;
    }
    log.seek(from);
    byte[] buffer = new byte[8192];
    long position = from;
    while (position < length) {
      int n = log.read(buffer, 0, (int) Math.min(buffer.length, length - position));
      if (n < 0) {
        break;
      }
      out.print(new String(buffer, 0, n, StandardCharsets.UTF_8));
      position += n;
    }
    out.flush();
    return position;
  }
}
