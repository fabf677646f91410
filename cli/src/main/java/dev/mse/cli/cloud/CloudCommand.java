package dev.mse.cli.cloud;

import picocli.CommandLine.Command;

/** {@code mse cloud}: deploy to an operator's service, as MSE's {@code mse cloud}. */
@Command(
    name = "cloud",
    mixinStandardHelpOptions = true,
    description = {
      "Deploy to an mse operator (a SaaS): log in, deploy with one command, and let your users"
          + " verify what runs before they trust it.",
      "The operator's API is $MSE_BASE_URL (or what 'login --url' saved). Your code is"
          + " encrypted here and only the enclave your CLI verified gets its key."
    },
    subcommands = {
      LoginCommand.class,
      LogoutCommand.class,
      InitCommand.class,
      ScaffoldCommand.class,
      LocaltestCommand.class,
      DeployCommand.class,
      VerifyCommand.class,
      ListCommand.class,
      StatusCommand.class,
      LogsCommand.class,
      StopCommand.class,
      TestCommand.class,
      ContextCommand.class,
      ProjectCommand.class,
      TokenCommand.class
    })
public final class CloudCommand {}
