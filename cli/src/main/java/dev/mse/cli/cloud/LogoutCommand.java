package dev.mse.cli.cloud;

import dev.mse.cli.UserError;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code mse cloud logout}: forget the saved login. */
@Command(
    name = "logout",
    mixinStandardHelpOptions = true,
    description =
        "Revoke the saved API token at the operator and forget the login"
            + " ($MSE_CONF_PATH/login.toml).")
final class LogoutCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Optional<CloudLogin> login = CloudLogin.load();
    if (login.isEmpty()) {
      out.println("not logged in");
      out.flush();
      return 0;
    }
    String revoked;
    try {
      login.get().client().revokeCurrentToken();
      revoked = "the token is revoked";
    } catch (UserError e) {
      // Forgetting it locally still matters; say why the operator could not be told.
      revoked = "the operator could not revoke the token (" + e.getMessage() + ")";
    }
    CloudLogin.remove();
    out.println("logged out: " + revoked);
    out.flush();
    return 0;
  }
}
