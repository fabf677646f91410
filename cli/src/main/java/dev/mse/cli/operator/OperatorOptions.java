package dev.mse.cli.operator;

import dev.mse.cli.UserError;
import dev.mse.cli.runtime.RuntimeDistribution;
import dev.mse.operator.OperatorConfig;
import dev.mse.operator.OperatorConfigException;
import dev.mse.operator.OperatorConfigParser;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Where the operator's configuration comes from: a file, then the options on top. */
final class OperatorOptions {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "operator.toml (default: the built-in defaults)")
  Path config;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "the data directory (default: ./mse-operator, or the file's data_dir)")
  Path data;

  @Option(
      names = "--database-url",
      paramLabel = "JDBC_URL",
      description = "PostgreSQL, e.g. jdbc:postgresql://127.0.0.1:5432/mse (default: H2 in DIR)")
  String databaseUrl;

  @Option(names = "--api-port", paramLabel = "PORT", description = "the API's port")
  Integer apiPort;

  @Option(names = "--proxy-port", paramLabel = "PORT", description = "the SNI proxy's port")
  Integer proxyPort;

  @Option(
      names = "--runtime",
      paramLabel = "DIR",
      description =
          "the runtime distribution the nodes run (default: as 'mse runtime measurement')")
  Path runtime;

  OperatorConfig resolve() {
    OperatorConfig c;
    try {
      c =
          config != null
              ? OperatorConfigParser.read(config)
              : OperatorConfig.defaults(
                  (data != null ? data : Path.of("mse-operator")).toAbsolutePath());
    } catch (OperatorConfigException e) {
      throw new UserError(config + ": " + e.getMessage(), e);
    }
    if (data != null && config != null) {
      throw new UserError("give the data directory in the config file or with --data, not both");
    }
    if (databaseUrl != null) {
      c = c.withDatabaseUrl(databaseUrl);
    }
    if (apiPort != null) {
      c = c.withApi(c.apiHost(), apiPort);
    }
    if (proxyPort != null) {
      c = c.withProxy(c.proxyHost(), proxyPort);
    }
    return c;
  }

  Path runtimeDir() {
    return RuntimeDistribution.locate(Optional.ofNullable(runtime)).directory();
  }
}
