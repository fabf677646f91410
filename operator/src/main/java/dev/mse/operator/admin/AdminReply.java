package dev.mse.operator.admin;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** What the operator answers to an {@link AdminRequest}. */
public sealed interface AdminReply {
  /**
   * The account was created.
   *
   * @param accountId its id
   * @param email its normalised email
   * @param token the new API token's secret, when one was asked for (never printed)
   * @param tokenExpires when that token expires
   */
  record AccountCreated(
      UUID accountId, String email, Optional<String> token, Optional<Instant> tokenExpires)
      implements AdminReply {
    @Override
    public String toString() {
      return "AccountCreated[" + accountId + ", " + email + "]";
    }
  }

  /**
   * The operator refused, as its API would.
   *
   * @param code a stable code (as the API's, e.g. {@code email_taken})
   * @param message one sentence for people
   */
  record Refused(String code, String message) implements AdminReply {}
}
