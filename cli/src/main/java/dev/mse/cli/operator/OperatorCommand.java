package dev.mse.cli.operator;

import picocli.CommandLine.Command;

/** {@code mse operator}: run the operator's service. */
@Command(
    name = "operator",
    mixinStandardHelpOptions = true,
    description = "Run an mse operator: API, database, enclave nodes and the SNI proxy.",
    subcommands = {ServeCommand.class, AccountCommand.class})
public final class OperatorCommand {}
