package dev.mse.cli.cloud;

import dev.mse.cli.UserError;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/** {@code mse cloud login}: by browser (PKCE) or with an API token, for scripts. */
@Command(
    name = "login",
    mixinStandardHelpOptions = true,
    description = {
      "Log in to the operator. By default in your browser, on the operator's login page (an"
          + " authorization code with PKCE comes back to a one-shot listener on a loopback port)."
          + " With --token, an API token (for scripts; '--token -' reads it from stdin, which"
          + " keeps it out of the process list). The token is saved in $MSE_CONF_PATH/login.toml"
          + " (mode 0600)."
    })
final class LoginCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--url",
      paramLabel = "URL",
      description =
          "the operator's API (default: $MSE_BASE_URL, else the saved one, else "
              + CloudLogin.DEFAULT_BASE_URL
              + ")")
  String url;

  @Option(names = "--token", paramLabel = "TOKEN", description = "an API token, or - for stdin")
  String token;

  @Option(names = "--whoami", description = "print who is logged in, and do nothing else")
  boolean whoami;

  @Option(names = "--no-browser", description = "print the login page's address only")
  boolean noBrowser;

  @Option(
      names = "--timeout",
      defaultValue = "5",
      paramLabel = "MIN",
      description = "minutes to wait for the browser (default: ${DEFAULT-VALUE})")
  long timeout;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (whoami) {
      CloudLogin login = CloudLogin.required();
      JsonNode me = new ApiClient(login.baseUrl(), Optional.of(login.token())).me();
      out.println(
          "logged in to " + login.baseUrl() + " as " + me.path("email").asString(login.email()));
      out.flush();
      return 0;
    }
    String base = CloudLogin.baseUrl(Optional.ofNullable(url));
    String apiToken;
    if (token != null) {
      apiToken = token.equals("-") ? readStdin() : token.strip();
    } else {
      apiToken = BrowserLogin.run(base, !noBrowser, Duration.ofMinutes(timeout), out);
    }
    if (apiToken.isEmpty()) {
      throw new UserError("the token is empty");
    }
    JsonNode me = new ApiClient(base, Optional.of(apiToken)).me();
    String email = me.path("email").asString("");
    new CloudLogin(base, email, apiToken).save();
    out.println("logged in to " + base + " as " + email);
    out.flush();
    return 0;
  }

  private static String readStdin() {
    try {
      String line =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      return line == null ? "" : line.strip();
    } catch (IOException e) {
      throw new UserError("cannot read the token from stdin: " + e.getMessage(), e);
    }
  }
}
