package dev.mse.operator.apps;

import dev.mse.operator.store.AppStatus;
import java.util.Optional;
import java.util.Set;

/**
 * A listing's filters, as the API receives them.
 *
 * @param name only apps with this name
 * @param statuses only apps in these states (empty: all)
 * @param project only this project (id or name)
 * @param limit page size, 1 to {@link #MAX_LIMIT}
 * @param cursor where the previous page ended
 */
public record AppQuery(
    Optional<String> name,
    Set<AppStatus> statuses,
    Optional<String> project,
    int limit,
    Optional<String> cursor) {
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 200;

  public AppQuery {
    statuses = Set.copyOf(statuses);
  }
}
