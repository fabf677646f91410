package dev.mse.cli.quote;

import picocli.CommandLine.Command;

/** {@code mse quote}: read and verify TEE quotes. */
@Command(
    name = "quote",
    mixinStandardHelpOptions = true,
    description = "Read and verify Intel SGX and TDX DCAP quotes.",
    subcommands = {QuoteShowCommand.class, QuoteVerifyCommand.class})
public final class QuoteCommand {}
