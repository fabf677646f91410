package dev.mse.operator.store;

import java.time.Instant;
import java.util.UUID;

/** A person who signs in. The password hash stays in {@link AccountTable}. */
public record Account(UUID id, String email, Instant createdAt) {}
