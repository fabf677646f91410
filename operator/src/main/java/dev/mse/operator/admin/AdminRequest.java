package dev.mse.operator.admin;

import java.util.OptionalInt;

/** What an administrator asks a running operator over its {@link AdminChannel}. */
public sealed interface AdminRequest {
  /**
   * Create an account with its default project, and an API token when {@code withToken}.
   *
   * @param email the account's email
   * @param password its password (never printed)
   * @param withToken whether to create an API token too
   * @param tokenDays how long that token lives, in days; empty: the operator's default
   */
  record CreateAccount(String email, String password, boolean withToken, OptionalInt tokenDays)
      implements AdminRequest {
    @Override
    public String toString() {
      return "CreateAccount[" + email + ", token=" + withToken + "]";
    }
  }
}
