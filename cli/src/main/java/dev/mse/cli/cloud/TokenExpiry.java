package dev.mse.cli.cloud;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * When an API token expires, as the operator states it ({@code expires_at}, ISO-8601 UTC) in a
 * token answer. Operators that predate token expiry send none, and an unreadable value is treated
 * the same: the CLI then says nothing about expiry rather than guess.
 */
final class TokenExpiry {
  private TokenExpiry() {}

  static Optional<Instant> of(JsonNode tokenAnswer) {
    return of(tokenAnswer, "expires_at");
  }

  /** The time in field {@code name} of {@code node}, if it holds one. */
  static Optional<Instant> of(JsonNode node, String name) {
    JsonNode v = node.path(name);
    if (!v.isString()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(v.asString()));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** "the token expires at 2027-03-06T16:00:00Z" (or "expired at" once past). */
  static String describe(Instant expiresAt, Instant now) {
    return (expiresAt.isAfter(now) ? "the token expires at " : "the token expired at ") + expiresAt;
  }
}
