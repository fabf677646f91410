package dev.mse.operator.console;

import dev.mse.operator.OperatorConfig;
import dev.mse.operator.OperatorConfigException;
import dev.mse.operator.account.AccountService;
import dev.mse.operator.account.ProjectService;
import dev.mse.operator.apps.AppService;
import dev.mse.operator.apps.HardwareCatalog;
import dev.mse.operator.node.NodeTrust;
import dev.mse.operator.store.Database;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import java.time.Clock;
import org.eclipse.jetty.server.Handler;

/**
 * The operator's web console: server-rendered pages (jte templates compiled at build time) under
 * {@code /console/}, signed in with an account's email and password, beside the API on the same
 * server. It only calls the services the API calls, so a person can do in a browser what the CLI
 * does with a token, with the same checks.
 */
public final class Console {
  private final ConsoleHandler handler;

  public Console(
      OperatorConfig config,
      AccountService accounts,
      ProjectService projects,
      HardwareCatalog hardware,
      AppService apps,
      Database db,
      Clock clock)
      throws OperatorConfigException {
    TemplateEngine templates =
        TemplateEngine.createPrecompiled(
            null,
            ContentType.Html,
            Console.class.getClassLoader(),
            "dev.mse.operator.console.pages");
    this.handler =
        new ConsoleHandler(
            config,
            accounts,
            projects,
            hardware,
            apps,
            new ConsoleSessions(db, clock),
            new MetricsHistory(apps, clock),
            new EvidenceProbe(clock, apps.tee(), NodeTrust.of(config, apps.tee())),
            new ConsolePages(templates));
  }

  /** Answers {@code /} and {@code /console/…}; declines every other path. */
  public Handler handler() {
    return handler;
  }
}
