package dev.mse.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.operator.OperatorConfig;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class OpenApiTest {
  private static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch");

  @Test
  void documentDescribesExactlyTheRoutesServed() {
    JsonNode doc = Json.MAPPER.readTree(CatalogEndpoints.openApiDocument());
    assertThat(doc.get("openapi").asString()).isEqualTo("3.1.0");
    Set<String> documented = new TreeSet<>();
    for (var path : doc.get("paths").properties()) {
      for (String method : path.getValue().propertyNames()) {
        if (METHODS.contains(method)) {
          documented.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey());
        }
      }
    }
    Set<String> served =
        ApiServer.endpoints(
                OperatorConfig.defaults(Path.of("unused")),
                null,
                null,
                null,
                null,
                null,
                java.time.Clock.systemUTC())
            .stream()
            .map(e -> e.method() + " " + e.template())
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(documented).isEqualTo(served);
  }

  @Test
  void everyReferencedSchemaExists() {
    String text =
        new String(CatalogEndpoints.openApiDocument(), java.nio.charset.StandardCharsets.UTF_8);
    JsonNode schemas = Json.MAPPER.readTree(text).get("components").get("schemas");
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("#/components/schemas/(\\w+)").matcher(text);
    while (m.find()) {
      assertThat(schemas.has(m.group(1))).as(m.group(1)).isTrue();
    }
  }
}
