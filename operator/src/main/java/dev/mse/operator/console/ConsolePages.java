package dev.mse.operator.console;

import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;

/** Renders the console's templates ({@code src/main/jte}, precompiled) to HTML. */
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
}
