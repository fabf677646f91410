package dev.mse.cli;

import dev.mse.cli.cloud.CloudCommand;
import dev.mse.cli.demo.DemoCommand;
import dev.mse.cli.home.HomeCommand;
import dev.mse.cli.operator.OperatorCommand;
import dev.mse.cli.pccs.PccsCommand;
import dev.mse.cli.proxy.ProxyCommand;
import dev.mse.cli.quote.QuoteCommand;
import dev.mse.cli.runtime.RuntimeCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code mse}: deploy JVM web apps into TEEs and verify, by remote attestation, what runs there.
 */
@Command(
    name = "mse",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Run web applications confidentially in trusted execution environments.",
    subcommands = {
      DemoCommand.class,
      CloudCommand.class,
      HomeCommand.class,
      OperatorCommand.class,
      ProxyCommand.class,
      QuoteCommand.class,
      RuntimeCommand.class,
      PccsCommand.class,
      CompletionCommand.class
    })
public final class MseCommand {
  @Option(
      names = ColorOption.NAME,
      scope = ScopeType.INHERIT,
      paramLabel = "WHEN",
      defaultValue = "auto",
      description =
          "colours in help and errors: auto (on a terminal, unless NO_COLOR is set), never or"
              + " always (default: ${DEFAULT-VALUE})")
  ColorOption color;
}
