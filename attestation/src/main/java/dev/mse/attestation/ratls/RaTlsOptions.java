package dev.mse.attestation.ratls;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.Collateral;
import dev.mse.attestation.collateral.CollateralSource;
import dev.mse.attestation.ratls.AttestationClaims.State;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What a relying party expects of an RA-TLS certificate beyond the policy's TEE checks, and where
 * the collateral comes from. An empty expectation checks nothing: a client that knows the package
 * and configuration it deployed should say so, since the policy alone only proves "some mse
 * runtime", not "my app".
 *
 * @param collateral collateral to use instead of the certificate's endorsements extension
 * @param collateralSource where to fetch collateral when the certificate carries none that is valid
 *     at the time of verification
 * @param states accepted enclave states; empty accepts any
 */
public record RaTlsOptions(
    Optional<UUID> appId,
    Optional<ByteString> packageSha256,
    Optional<ByteString> codeSha256,
    Optional<ByteString> configSha256,
    Optional<ByteString> nonce,
    Set<State> states,
    Optional<Collateral> collateral,
    Optional<CollateralSource> collateralSource) {

  public RaTlsOptions {
    states = states.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(states));
  }

  /** No expectations; collateral from the certificate. */
  public static RaTlsOptions none() {
    return new RaTlsOptions(
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Set.of(),
        Optional.empty(),
        Optional.empty());
  }

  public RaTlsOptions withAppId(UUID expected) {
    return new RaTlsOptions(
        Optional.of(expected),
        packageSha256,
        codeSha256,
        configSha256,
        nonce,
        states,
        collateral,
        collateralSource);
  }

  public RaTlsOptions withPackageSha256(ByteString expected) {
    return new RaTlsOptions(
        appId,
        Optional.of(expected),
        codeSha256,
        configSha256,
        nonce,
        states,
        collateral,
        collateralSource);
  }

  public RaTlsOptions withCodeSha256(ByteString expected) {
    return new RaTlsOptions(
        appId,
        packageSha256,
        Optional.of(expected),
        configSha256,
        nonce,
        states,
        collateral,
        collateralSource);
  }

  public RaTlsOptions withConfigSha256(ByteString expected) {
    return new RaTlsOptions(
        appId,
        packageSha256,
        codeSha256,
        Optional.of(expected),
        nonce,
        states,
        collateral,
        collateralSource);
  }

  public RaTlsOptions withNonce(ByteString expected) {
    return new RaTlsOptions(
        appId,
        packageSha256,
        codeSha256,
        configSha256,
        Optional.of(expected),
        states,
        collateral,
        collateralSource);
  }

  public RaTlsOptions withStates(Set<State> accepted) {
    return new RaTlsOptions(
        appId,
        packageSha256,
        codeSha256,
        configSha256,
        nonce,
        accepted,
        collateral,
        collateralSource);
  }

  public RaTlsOptions withCollateral(Collateral override) {
    return new RaTlsOptions(
        appId,
        packageSha256,
        codeSha256,
        configSha256,
        nonce,
        states,
        Optional.of(override),
        collateralSource);
  }

  /** Fetch collateral from {@code source} when the certificate has none valid at the time. */
  public RaTlsOptions withCollateralSource(CollateralSource source) {
    return new RaTlsOptions(
        appId,
        packageSha256,
        codeSha256,
        configSha256,
        nonce,
        states,
        collateral,
        Optional.of(source));
  }
}
