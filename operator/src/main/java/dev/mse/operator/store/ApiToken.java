package dev.mse.operator.store;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** An API token as stored: its name and times, never the token itself. */
public record ApiToken(
    UUID id,
    UUID accountId,
    String name,
    Instant createdAt,
    Optional<Instant> lastUsedAt,
    Optional<Instant> expiresAt) {}
