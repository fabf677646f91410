package dev.mse.operator.console;

import dev.mse.operator.console.ConsoleSessions.Session;
import dev.mse.operator.console.ConsoleViews.Chrome;
import dev.mse.operator.console.ConsoleViews.ErrorPage;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.util.Optional;

/** Renders the console's templates ({@code src/main/jte}, precompiled) to HTML, errors included. */
final class ConsolePages {
  private final TemplateEngine engine;

  ConsolePages(TemplateEngine engine) {
    this.engine = engine;
  }

  Answer render(int status, String template, Object page) {
    StringOutput out = new StringOutput(8192);
    engine.render(template + ".jte", page, out);
    return Answer.html(status, out.toString());
  }

  /** The frame of a signed-in page. */
  static Chrome chrome(Session s, String title, String active) {
    return new Chrome(title, s.email(), s.csrf(), active);
  }

  Answer notFound(Session s) {
    return error(Optional.of(s), 404, "There is no such page.");
  }

  Answer notAllowed() {
    return error(Optional.empty(), 405, "This page does not accept that method.");
  }

  Answer error(Optional<Session> s, int status, String message) {
    Chrome chrome = s.map(x -> chrome(x, "Error", "")).orElse(new Chrome("Error", null, null, ""));
    return render(status, "error", new ErrorPage(chrome, status, message));
  }
}
