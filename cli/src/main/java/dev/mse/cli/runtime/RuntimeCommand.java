package dev.mse.cli.runtime;

import picocli.CommandLine.Command;

/** {@code mse runtime}: the runtime distribution that runs apps in TEEs. */
@Command(
    name = "runtime",
    mixinStandardHelpOptions = true,
    description = "Inspect the mse runtime distribution (the code that runs inside the TEE).",
    subcommands = {RuntimeMeasurementCommand.class})
public final class RuntimeCommand {}
