package dev.mse.protocol.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;

class MseTomlProperties {
  private static final Path DIR = Path.of("/srv/app");

  @Provide
  Arbitrary<String> names() {
    return Arbitraries.strings().all().ofMinLength(1).ofMaxLength(40).filter(AppFields::isAppName);
  }

  @Property(tries = 300)
  void writeThenParseIsIdentity(
      @ForAll("names") String name,
      @ForAll @StringLength(min = 1, max = 20) String testsCmd,
      @ForAll("names") String project,
      @ForAll boolean withCloud)
      throws Exception {
    Optional<MseToml.Cloud> cloud =
        withCloud
            ? Optional.of(
                new MseToml.Cloud(
                    DIR.resolve("src"),
                    Optional.of(DIR.resolve("../tests").normalize()),
                    project,
                    Optional.of("4g-eu-001"),
                    Optional.of(
                        new ExpirationDate.AtOffsetTime(
                            LocalDateTime.of(2030, 1, 2, 3, 4, 5).atOffset(ZoneOffset.UTC))),
                    Optional.empty(),
                    Optional.of(
                        new MseToml.Ssl(
                            "a.example.com", DIR.resolve("k.pem"), DIR.resolve("c.pem")))))
            : Optional.empty();
    MseToml toml =
        new MseToml(
            DIR,
            name,
            "com.example.Main",
            Optional.of("app.jar"),
            "/health",
            Optional.of(testsCmd),
            cloud);
    assertThat(MseToml.parse(toml.toToml(), DIR)).isEqualTo(toml);
  }
}
