package dev.mse.attestation.collateral;

import java.time.Instant;
import java.util.Optional;

/**
 * A collateral set saved for offline verification in mse's own file format ({@code
 * mse-dcap-collateral/1}, see {@code docs/collateral-bundle.md}), with where and when it was
 * fetched so that a user can tell how old a bundle is without opening the signed documents.
 *
 * @param fetchedAt when the collateral was fetched (informational: freshness comes from the signed
 *     documents' {@code nextUpdate})
 * @param source where it was fetched from, such as a PCS or PCCS base URL
 */
public record CollateralBundle(Collateral collateral, Instant fetchedAt, Optional<String> source) {}
