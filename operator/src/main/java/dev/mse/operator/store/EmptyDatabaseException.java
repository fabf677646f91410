package dev.mse.operator.store;

/**
 * The database has no schema and must not get one here: creating it would start an operator that
 * knows nothing of the nodes and packages beside it, or a database that no operator uses.
 */
public final class EmptyDatabaseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EmptyDatabaseException(String message) {
    super(message);
  }
}
