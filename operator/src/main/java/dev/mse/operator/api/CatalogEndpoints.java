package dev.mse.operator.api;

import dev.mse.operator.OperatorConfig;
import dev.mse.operator.OperatorException;
import dev.mse.operator.account.AccountService;
import dev.mse.operator.account.ProjectService;
import dev.mse.operator.apps.HardwareCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** Projects, hardware offers, the defaults for scaffolding, and the OpenAPI document. */
final class CatalogEndpoints {
  static final String OPENAPI_RESOURCE = "/dev/mse/operator/api/openapi.json";

  private final ProjectService projects;
  private final HardwareCatalog hardware;
  private final OperatorConfig config;
  private final byte[] openApi;

  CatalogEndpoints(ProjectService projects, HardwareCatalog hardware, OperatorConfig config) {
    this.projects = projects;
    this.hardware = hardware;
    this.config = config;
    this.openApi = openApiDocument();
  }

  static byte[] openApiDocument() {
    try (InputStream in = CatalogEndpoints.class.getResourceAsStream(OPENAPI_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + OPENAPI_RESOURCE);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<Endpoint> endpoints() {
    return List.of(
        new Endpoint("GET", "/api/v1/projects", true, this::listProjects),
        new Endpoint("POST", "/api/v1/projects", true, this::createProject),
        new Endpoint("GET", "/api/v1/projects/{id}", true, this::getProject),
        new Endpoint("GET", "/api/v1/projects/{id}/quotas", true, this::quotas),
        new Endpoint("GET", "/api/v1/hardware", true, this::listHardware),
        new Endpoint("GET", "/api/v1/hardware/{name}", true, this::getHardware),
        new Endpoint("GET", "/api/v1/defaults", false, this::defaults),
        new Endpoint(
            "GET",
            "/api/v1/openapi.json",
            false,
            call -> Reply.raw(200, "application/json", openApi)));
  }

  private Reply listProjects(Call call) throws OperatorException {
    return Reply.ok(
        new Views.Items<>(
            projects.list(call.account().id(), call.query("name")).stream()
                .map(Views::project)
                .toList()));
  }

  private Reply createProject(Call call) throws OperatorException {
    JsonNode body = call.jsonBody();
    return Reply.json(
        201,
        Views.project(
            projects.create(
                call.account().id(),
                Call.text(body, "name"),
                Call.optionalText(body, "description").orElse(""))));
  }

  private Reply getProject(Call call) throws OperatorException {
    return Reply.ok(Views.project(projects.get(call.account().id(), projectId(call))));
  }

  private Reply quotas(Call call) throws OperatorException {
    return Reply.ok(
        new Views.Items<>(
            projects.quotas(call.account().id(), projectId(call)).stream()
                .map(Views::quota)
                .toList()));
  }

  private Reply listHardware(Call call) {
    return Reply.ok(new Views.Items<>(hardware.all().stream().map(Views::hardware).toList()));
  }

  private Reply getHardware(Call call) throws OperatorException {
    return Reply.ok(Views.hardware(hardware.get(call.path("name"))));
  }

  private Reply defaults(Call call) {
    return Reply.ok(
        new Views.DefaultsView(
            AccountService.DEFAULT_PROJECT,
            config.defaultHardware(),
            config.appsDomain(),
            config.proxyHost(),
            config.proxyPort(),
            config.maxPackageBytes()));
  }

  private static UUID projectId(Call call) throws OperatorException {
    return call.pathId(
        "id", OperatorException.notFound("project_not_found", "No project with this id."));
  }
}
