package dev.mse.operator.node;

import dev.mse.operator.OperatorConfig;
import dev.mse.operator.OperatorException;
import java.util.Optional;

/**
 * When runtimes share the operator's user (an operator not running as root), any app can read every
 * other app's files, keys and secrets: such an operator serves one account only, unless its owner
 * says with {@code allow_shared_user = true} that this is a single-tenant development setup.
 */
public final class SharedUserPolicy {
  /** The one line the operator logs at start and when it refuses a second account. */
  public static final String MESSAGE =
      "runtimes run as the operator's own user (it is not root), so they can read each other's"
          + " files: this operator serves one account only (set allow_shared_user = true under"
          + " [isolation] in operator.toml for single-tenant development)";

  private SharedUserPolicy() {}

  /** True when this operator must refuse a second account. */
  public static boolean singleTenant(OperatorConfig config) {
    // Kubernetes runs every app in a pod of its own: no runtime shares the operator's user.
    return config.kubernetes().isEmpty()
        && config.isolation().perAppUsers().equals(Optional.of(false))
        && !config.isolation().allowSharedUser();
  }

  /** The API error for a second account (409 {@code single_tenant_operator}). */
  public static OperatorException refused() {
    return OperatorException.conflict(
        "single_tenant_operator",
        "This operator runs every app under one user and serves one account only.");
  }
}
