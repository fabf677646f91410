package dev.mse.operator.store;

import java.time.Instant;
import java.util.UUID;

/** A group of apps sharing quotas; accounts are its members. */
public record Project(UUID id, String name, String description, Instant createdAt) {}
