package dev.mse.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mse completion bash|zsh}: the shell completion script, by picocli's generator. */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = {
      "Print the completion script for bash or zsh (every command, option and enum value).",
      "bash: source <(mse completion bash)   (or save it in ~/.local/share/bash-completion/"
          + "completions/mse)",
      "zsh:  source <(mse completion zsh)    (it loads zsh's bashcompinit itself)"
    })
final class CompletionCommand implements Callable<Integer> {
  enum Shell {
    BASH,
    ZSH
  }

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "SHELL", description = "bash or zsh")
  Shell shell;

  @Override
  public Integer call() {
    // One script serves both: picocli's generator emits a bash script that, under zsh, turns on
    // zsh's bash-completion emulation first.
    String script = AutoComplete.bash("mse", spec.root().commandLine());
    PrintWriter out = spec.commandLine().getOut();
    out.print(script);
    out.flush();
    return 0;
  }
}
