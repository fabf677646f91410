package dev.mse.operator.api;

import dev.mse.operator.OperatorConfig;
import dev.mse.operator.OperatorException;
import dev.mse.operator.apps.AppPage;
import dev.mse.operator.apps.AppQuery;
import dev.mse.operator.apps.AppService;
import dev.mse.operator.apps.DeployRequest;
import dev.mse.operator.store.AppRecord;
import dev.mse.operator.store.AppStatus;
import dev.mse.protocol.deploy.DeploymentConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.io.Content;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /api/v1/apps}: deploy (multipart upload), list, status, stop, logs, metrics. */
final class AppEndpoints {
  private static final Logger LOG = LoggerFactory.getLogger(AppEndpoints.class);

  /** Room for the small parts and multipart framing beside the package. */
  private static final long FRAMING = 1024 * 1024;

  private final AppService apps;
  private final OperatorConfig config;

  AppEndpoints(AppService apps, OperatorConfig config) {
    this.apps = apps;
    this.config = config;
  }

  List<Endpoint> endpoints() {
    return List.of(
        new Endpoint("POST", "/api/v1/apps", true, this::deploy),
        new Endpoint("GET", "/api/v1/apps", true, this::list),
        new Endpoint("GET", "/api/v1/apps/{id}", true, this::get),
        new Endpoint("POST", "/api/v1/apps/{id}/stop", true, this::stop),
        new Endpoint("GET", "/api/v1/apps/{id}/logs", true, this::logs),
        new Endpoint("GET", "/api/v1/apps/{id}/metrics", true, this::metrics));
  }

  private Reply deploy(Call call) throws OperatorException, IOException, InterruptedException {
    String type = call.header(HttpHeader.CONTENT_TYPE).orElse("");
    if (!type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      throw new OperatorException(
          OperatorException.Kind.UNSUPPORTED_MEDIA_TYPE,
          "unsupported_media_type",
          "Deploy with multipart/form-data parts project, hardware, deployment and package.");
    }
    long limit = config.maxPackageBytes() + FRAMING;
    if (call.request().getLength() > limit) {
      throw packageTooLarge();
    }
    String boundary = MultiPart.extractBoundary(type);
    if (boundary == null || boundary.isEmpty()) {
      throw OperatorException.badRequest("invalid_multipart", "The multipart boundary is missing.");
    }
    MultiPartFormData.Parser parser = new MultiPartFormData.Parser(boundary);
    parser.setFilesDirectory(apps.uploadDirectory());
    // every part larger than this goes to a file: a package is never held in memory
    parser.setMaxMemoryFileSize(64 * 1024);
    parser.setUseFilesForPartsWithoutFileName(true);
    parser.setMaxFileSize(config.maxPackageBytes());
    parser.setMaxLength(limit);
    parser.setMaxParts(8);
    MultiPartFormData.Parts parts;
    try {
      parts = parser.parse(call.request()).get();
    } catch (ExecutionException e) {
      String why = String.valueOf(e.getCause() == null ? e : e.getCause().getMessage());
      if (why.toLowerCase(Locale.ROOT).contains("max")) {
        throw packageTooLarge();
      }
      throw OperatorException.badRequest(
          "invalid_multipart", "The upload is not valid multipart/form-data.");
    }
    Path upload = Files.createTempFile(apps.uploadDirectory(), "package-", ".tar");
    try (parts) {
      String project = smallText(parts, "project");
      String hardware = smallText(parts, "hardware");
      byte[] deployment = bytes(part(parts, "deployment"), DeploymentConfig.MAX_LENGTH);
      MultiPart.Part pkg = part(parts, "package");
      Files.delete(upload);
      pkg.writeTo(upload);
      AppRecord app =
          apps.deploy(
              call.account().id(), new DeployRequest(project, hardware, deployment, upload));
      return Reply.json(201, Views.app(app, config));
    } finally {
      try {
        Files.deleteIfExists(upload);
      } catch (IOException e) {
        LOG.warn("cannot delete upload {}: {}", upload, e.getMessage());
      }
    }
  }

  private static MultiPart.Part part(MultiPartFormData.Parts parts, String name)
      throws OperatorException {
    MultiPart.Part part = parts.getFirst(name);
    if (part == null) {
      throw OperatorException.badRequest("missing_part", "The upload has no '" + name + "' part.");
    }
    return part;
  }

  private static String smallText(MultiPartFormData.Parts parts, String name)
      throws OperatorException {
    return new String(bytes(part(parts, name), 1024), StandardCharsets.UTF_8).strip();
  }

  private static byte[] bytes(MultiPart.Part part, int max) throws OperatorException {
    if (part.getLength() > max) {
      throw OperatorException.badRequest(
          "invalid_multipart", "The '" + part.getName() + "' part is too large.");
    }
    try (InputStream in = Content.Source.asInputStream(part.createContentSource())) {
      byte[] b = in.readNBytes(max + 1);
      if (b.length > max) {
        throw OperatorException.badRequest(
            "invalid_multipart", "The '" + part.getName() + "' part is too large.");
      }
      return b;
    } catch (IOException e) {
      throw OperatorException.badRequest(
          "invalid_multipart", "The '" + part.getName() + "' part cannot be read.");
    }
  }

  private OperatorException packageTooLarge() {
    return new OperatorException(
        OperatorException.Kind.TOO_LARGE,
        "package_too_large",
        "The package is larger than the " + config.maxPackageBytes() + " bytes allowed.");
  }

  private Reply list(Call call) throws OperatorException {
    Set<AppStatus> statuses = EnumSet.noneOf(AppStatus.class);
    Optional<String> status = call.query("status");
    if (status.isPresent()) {
      for (String s : status.get().split(",")) {
        String name = s.strip();
        if (name.isEmpty()) {
          continue;
        }
        statuses.add(
            AppStatus.fromWireName(name)
                .orElseThrow(
                    () ->
                        OperatorException.badRequest(
                            "invalid_status",
                            "Unknown status '"
                                + name
                                + "': use spawning, initializing, running, on_error or"
                                + " stopped.")));
      }
    }
    int limit = AppQuery.DEFAULT_LIMIT;
    Optional<String> limitText = call.query("limit");
    if (limitText.isPresent()) {
      try {
        limit = Integer.parseInt(limitText.get());
      } catch (NumberFormatException e) {
        throw OperatorException.badRequest(
            "invalid_limit", "limit must be between 1 and " + AppQuery.MAX_LIMIT + ".");
      }
    }
    AppPage page =
        apps.list(
            call.account().id(),
            new AppQuery(
                call.query("name"), statuses, call.query("project"), limit, call.query("cursor")));
    return Reply.ok(
        new Views.AppListView(
            page.items().stream().map(a -> Views.app(a, config)).toList(),
            page.nextCursor().orElse(null)));
  }

  private Reply get(Call call) throws OperatorException {
    return Reply.ok(Views.app(apps.get(call.account().id(), appId(call)), config));
  }

  private Reply stop(Call call) throws OperatorException {
    return Reply.json(202, Views.app(apps.stop(call.account().id(), appId(call)), config));
  }

  private Reply logs(Call call) throws OperatorException {
    return Reply.ok(new Views.LogsView(apps.logs(call.account().id(), appId(call))));
  }

  private Reply metrics(Call call) throws OperatorException {
    return Reply.ok(Views.metrics(apps.metrics(call.account().id(), appId(call))));
  }

  private static UUID appId(Call call) throws OperatorException {
    return call.pathId("id", OperatorException.notFound("app_not_found", "No app with this id."));
  }
}
