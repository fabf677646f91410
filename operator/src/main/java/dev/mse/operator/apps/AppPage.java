package dev.mse.operator.apps;

import dev.mse.operator.store.AppRecord;
import java.util.List;
import java.util.Optional;

/** One page of a listing and the cursor of the next, if there is one. */
public record AppPage(List<AppRecord> items, Optional<String> nextCursor) {
  public AppPage {
    items = List.copyOf(items);
  }
}
