package dev.mse.cli.cloud;

import dev.mse.cli.UserError;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
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
          + " (mode 0600), with its expiry when the operator gives one.",
      "The token is sent over plain http:// only to this machine (127.0.0.0/8, ::1, localhost);"
          + " any other operator needs https://, or --insecure-http."
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

  @Option(
      names = "--insecure-http",
      description =
          "allow a plain http:// operator that is not on this machine: the token then crosses the"
              + " network in clear, readable and reusable by anyone on the way (saved with the"
              + " login, for the commands that use it)")
  boolean insecureHttp;

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
      JsonNode me = login.client().me();
      out.println(
          "logged in to " + login.baseUrl() + " as " + me.path("email").asString(login.email()));
      login.tokenExpiresAt().ifPresent(t -> out.println(TokenExpiry.describe(t, Instant.now())));
      out.flush();
      return 0;
    }
    OperatorUrl base = CloudLogin.baseUrl(Optional.ofNullable(url));
    // Before any token exists: a browser login over clear http would hand it to the network.
    base.requireSafeForToken(insecureHttp);
    BrowserLogin.IssuedToken issued;
    if (token != null) {
      issued =
          new BrowserLogin.IssuedToken(
              token.equals("-") ? readStdin() : token.strip(), Optional.empty());
    } else {
      issued = BrowserLogin.run(base.base(), !noBrowser, Duration.ofMinutes(timeout), out);
    }
    if (issued.token().isEmpty()) {
      throw new UserError("the token is empty");
    }
    JsonNode me = new ApiClient(base, Optional.of(issued.token()), insecureHttp).me();
    String email = me.path("email").asString("");
    // Saved only where it applies: an https or loopback login carries no consent to reuse.
    boolean consent = insecureHttp && base.plainHttp() && !base.loopback();
    new CloudLogin(base.base(), email, issued.token(), consent, issued.expiresAt()).save();
    out.println("logged in to " + base.base() + " as " + email);
    issued.expiresAt().ifPresent(t -> out.println(TokenExpiry.describe(t, Instant.now())));
    if (consent) {
      spec.commandLine()
          .getErr()
          .println("mse: warning: --insecure-http: the token crosses the network in clear");
      spec.commandLine().getErr().flush();
    }
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
