package dev.mse.cli.cloud;

import dev.mse.cli.Json;
import java.io.PrintWriter;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code mse cloud status APP_ID}. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show an app: its domain, hardware, trust scenario, dates, status and metrics.")
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "APP_ID", description = "the app's UUID")
  UUID id;

  @Option(names = "--json", description = "print JSON")
  boolean json;

  @Override
  public Integer call() {
    ApiClient api = ApiClient.loggedIn();
    JsonNode app = api.app(id);
    JsonNode hardware = api.hardware(app.path("hardware").asString());
    boolean running = app.path("status").asString().equals("running");
    JsonNode metrics = running ? api.metrics(id) : Json.object();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode n = Json.object();
      n.set("app", app);
      n.set("hardware", hardware);
      n.set("metrics", metrics);
      out.println(Json.write(n));
      out.flush();
      return 0;
    }
    row(out, "Name", app.path("name").asString());
    row(out, "UUID", app.path("id").asString());
    row(out, "Domain name", app.path("domain").asString());
    row(out, "URL", app.path("url").asString());
    row(out, "Enclave domain", app.path("enclave_domain").asString());
    row(out, "Trust (ssl origin)", app.path("ssl_origin").asString());
    row(
        out,
        "Hardware",
        hardware.path("name").asString()
            + " ("
            + hardware.path("memory_mb").asInt()
            + " MB, "
            + hardware.path("cores").asInt()
            + " cores, enclave "
            + hardware.path("enclave_size_mb").asInt()
            + " MB)");
    row(out, "Application", app.path("java_application").asString());
    row(out, "Healthcheck", app.path("healthcheck_endpoint").asString());
    row(out, "Created at", app.path("created_at").asString());
    row(out, "Expires at", app.path("expires_at").asString());
    row(out, "Status", app.path("status").asString());
    if (app.path("ready_at").isString()) {
      row(out, "Running since", app.path("ready_at").asString());
    }
    if (app.path("stopped_at").isString()) {
      row(out, "Stopped at", app.path("stopped_at").asString());
    }
    if (app.path("failure").isString()) {
      row(out, "Failure", app.path("failure").asString());
    }
    if (running) {
      row(out, "Requests", metrics.path("requests").asString(""));
      row(out, "Average latency", metrics.path("average_latency_ms").asString("") + " ms");
      row(out, "Connections", metrics.path("connections").asString(""));
      row(out, "Open connections", metrics.path("active_connections").asString(""));
      row(
          out,
          "Bytes in / out",
          metrics.path("bytes_in").asString("") + " / " + metrics.path("bytes_out").asString(""));
      row(out, "CPU", metrics.path("cpu_seconds").asString("") + " s");
    }
    out.flush();
    return 0;
  }

  private static void row(PrintWriter out, String name, String value) {
    out.printf("%-19s %s%n", name + ":", value);
  }
}
