package dev.mse.cli.cloud;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code mse cloud logout}: forget the saved login. */
@Command(
    name = "logout",
    mixinStandardHelpOptions = true,
    description = "Forget the saved login ($MSE_CONF_PATH/login.toml).")
final class LogoutCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.println(CloudLogin.remove() ? "logged out" : "not logged in");
    out.flush();
    return 0;
  }
}
