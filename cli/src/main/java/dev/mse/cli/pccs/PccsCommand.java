package dev.mse.cli.pccs;

import picocli.CommandLine.Command;

/** {@code mse pccs}: collateral servers. */
@Command(
    name = "pccs",
    mixinStandardHelpOptions = true,
    description = "Serve DCAP collateral (Intel PCS v4 API) for the mse simulated TEE.",
    subcommands = {PccsServeCommand.class})
public final class PccsCommand {}
