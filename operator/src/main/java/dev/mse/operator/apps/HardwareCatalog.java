package dev.mse.operator.apps;

import dev.mse.operator.OperatorConfig;
import dev.mse.operator.OperatorException;
import dev.mse.operator.store.Database;
import dev.mse.operator.store.HardwareOffer;
import dev.mse.operator.store.HardwareTable;
import java.util.List;

/** The hardware offers: written from the config at start, read by the API. */
public final class HardwareCatalog {
  private final Database db;

  public HardwareCatalog(Database db) {
    this.db = db;
  }

  /** Makes the stored offers those of the config (offers are never deleted: apps refer to them). */
  public void sync(OperatorConfig config) {
    db.inTransaction(
        c -> {
          for (OperatorConfig.Offer offer : config.hardware()) {
            HardwareTable.put(c, offer.offer());
          }
          return null;
        });
  }

  public List<HardwareOffer> all() {
    return db.read(HardwareTable::all);
  }

  public HardwareOffer get(String name) throws OperatorException {
    return db.read(c -> HardwareTable.byName(c, name))
        .orElseThrow(
            () ->
                OperatorException.notFound(
                    "hardware_not_found", "There is no hardware offer named '" + name + "'."));
  }
}
