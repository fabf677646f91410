package dev.mse.operator.store;

/** How many live apps a project may run on one hardware offer, and how many it runs. */
public record Quota(String hardware, int maxApps, int used) {}
