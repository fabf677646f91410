package dev.mse.operator.console;

import dev.mse.operator.OperatorConfig;
import dev.mse.operator.apps.HardwareCatalog;
import dev.mse.operator.console.ConsoleSessions.Session;
import dev.mse.operator.console.ConsoleViews.HardwarePage;
import dev.mse.operator.console.ConsoleViews.HardwareRow;
import java.util.List;

/** {@code /console/hardware}: the operator's hardware offers and its default one. */
final class OfferPage {
  private final HardwareCatalog hardware;
  private final OperatorConfig config;
  private final ConsolePages pages;

  OfferPage(HardwareCatalog hardware, OperatorConfig config, ConsolePages pages) {
    this.hardware = hardware;
    this.config = config;
    this.pages = pages;
  }

  Answer show(Session s) {
    List<HardwareRow> rows =
        hardware.all().stream()
            .map(h -> new HardwareRow(h.name(), h.memoryMb(), h.cores(), h.enclaveSizeMb()))
            .toList();
    return pages.render(
        200,
        "hardware",
        new HardwarePage(
            ConsolePages.chrome(s, "Hardware", "hardware"), rows, config.defaultHardware()));
  }
}
