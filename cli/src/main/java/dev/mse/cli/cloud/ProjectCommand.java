package dev.mse.cli.cloud;

import dev.mse.cli.Json;
import dev.mse.cli.UserError;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code mse cloud project list|create|show}: your projects on the operator. */
@Command(
    name = "project",
    mixinStandardHelpOptions = true,
    description = "Your projects: each has its own quotas of apps per hardware offer.",
    subcommands = {
      ProjectCommand.ListProjects.class,
      ProjectCommand.Create.class,
      ProjectCommand.Show.class
    })
final class ProjectCommand {
  private ProjectCommand() {}

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List your projects.")
  static final class ListProjects implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Override
    public Integer call() {
      JsonNode items = ApiClient.loggedIn().get("/projects").path("items");
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(Json.write(items));
      } else {
        out.println("Project UUID                         | Created at           | Name");
        for (JsonNode p : items) {
          out.printf(
              "%-36s | %-20s | %s%s%n",
              p.path("id").asString(),
              p.path("created_at").asString(),
              p.path("name").asString(),
              p.path("description").asString("").isEmpty()
                  ? ""
                  : " (" + p.path("description").asString() + ")");
        }
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a project.")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "the project's name")
    String name;

    @Option(names = "--description", paramLabel = "TEXT", description = "what it is for")
    String description;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Override
    public Integer call() {
      ObjectNode body = Json.object();
      body.put("name", name);
      body.put("description", description == null ? "" : description);
      JsonNode project = ApiClient.loggedIn().post("/projects", body);
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          json
              ? Json.write(project)
              : "created the project "
                  + project.path("name").asString()
                  + " ("
                  + project.path("id").asString()
                  + "): deploy to it with 'mse cloud deploy' and project = \""
                  + project.path("name").asString()
                  + "\" in mse.toml's [cloud]");
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show a project and its quotas: live apps per hardware offer.")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "PROJECT", description = "the project's name or UUID")
    String project;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Override
    public Integer call() {
      ApiClient api = ApiClient.loggedIn();
      JsonNode p = find(api, project);
      JsonNode quotas = api.get("/projects/" + p.path("id").asString() + "/quotas").path("items");
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectNode n = Json.object();
        n.set("project", p);
        n.set("quotas", quotas);
        out.println(Json.write(n));
      } else {
        out.printf("%-12s %s%n", "Name:", p.path("name").asString());
        out.printf("%-12s %s%n", "UUID:", p.path("id").asString());
        out.printf("%-12s %s%n", "Description:", p.path("description").asString(""));
        out.printf("%-12s %s%n", "Created at:", p.path("created_at").asString());
        for (JsonNode q : quotas) {
          out.printf(
              "%-12s %s: %d of %d live apps%n",
              "Quota:",
              q.path("hardware").asString(),
              q.path("used").asInt(),
              q.path("max_apps").asInt());
        }
      }
      out.flush();
      return 0;
    }

    /** The caller's project of that name, else of that id. */
    private static JsonNode find(ApiClient api, String nameOrId) {
      JsonNode byName = api.get("/projects?name=" + ApiClient.encode(nameOrId)).path("items");
      if (!byName.isEmpty()) {
        return byName.get(0);
      }
      for (JsonNode p : api.get("/projects").path("items")) {
        if (p.path("id").asString().equals(nameOrId)) {
          return p;
        }
      }
      throw new UserError("no project " + nameOrId + " ('mse cloud project list' lists yours)");
    }
  }
}
