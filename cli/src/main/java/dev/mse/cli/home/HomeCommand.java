package dev.mse.cli.home;

import picocli.CommandLine.Command;

/** {@code mse home}: deploy on a machine you run, in two roles, as MSE's {@code mse home}. */
@Command(
    name = "home",
    mixinStandardHelpOptions = true,
    description = {
      "Run an app in a TEE on your own machine. Two roles, as in MSE:",
      "  code provider: scaffold, localtest, package, verify, seal, unseal, encrypt, decrypt",
      "  SGX operator:  spawn, evidence, run, test, status, list, logs, stop, restart",
      "Unlike MSE, the code key never travels in clear (it is sealed with the secrets to the"
          + " verified enclave) and every TLS connection to the enclave is verified or pinned."
    },
    subcommands = {
      ScaffoldCommand.class,
      LocaltestCommand.class,
      PackageCommand.class,
      VerifyCommand.class,
      SealCommand.class,
      TestCommand.class,
      UnsealCommand.class,
      EncryptCommand.class,
      DecryptCommand.class,
      SpawnCommand.class,
      EvidenceCommand.class,
      RunCommand.class,
      StatusCommand.class,
      ListCommand.class,
      LogsCommand.class,
      StopCommand.class,
      RestartCommand.class
    })
public final class HomeCommand {}
