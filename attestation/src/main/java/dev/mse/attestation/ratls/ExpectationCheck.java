package dev.mse.attestation.ratls;

import dev.mse.attestation.codec.ByteString;
import java.util.List;
import java.util.Optional;

/**
 * Compares verified claims with what the relying party expects ({@link RaTlsOptions}). Kept apart
 * from {@link RaTlsVerifier} so that the evidence checks and the "is it my app" checks read
 * separately.
 */
final class ExpectationCheck {
  private ExpectationCheck() {}

  static void check(AttestationClaims claims, RaTlsOptions expected, List<RaTlsReason> reasons) {
    expected
        .appId()
        .filter(id -> !id.equals(claims.appId()))
        .ifPresent(
            id ->
                reasons.add(
                    new RaTlsReason(
                        RaTlsCheck.APP_ID,
                        "app id mismatch: expected " + id + ", got " + claims.appId())));
    digest(
        RaTlsCheck.PACKAGE,
        "package-sha256",
        expected.packageSha256(),
        Optional.of(claims.packageSha256()),
        reasons);
    digest(
        RaTlsCheck.CODE,
        "code-sha256",
        expected.codeSha256(),
        claims.codeSha256(),
        // an enclave names its code once the owner's key has opened the package
        " (the enclave is " + claims.state().wireName() + " and has loaded no code yet)",
        reasons);
    digest(
        RaTlsCheck.CONFIG,
        "config-sha256",
        expected.configSha256(),
        Optional.of(claims.configSha256()),
        reasons);
    digest(RaTlsCheck.NONCE, "nonce", expected.nonce(), claims.nonce(), reasons);
    if (!expected.states().isEmpty() && !expected.states().contains(claims.state())) {
      reasons.add(
          new RaTlsReason(
              RaTlsCheck.STATE,
              "the enclave is "
                  + claims.state().wireName()
                  + "; expected "
                  + expected.states().stream()
                      .map(AttestationClaims.State::wireName)
                      .sorted()
                      .toList()));
    }
  }

  private static void digest(
      RaTlsCheck check,
      String name,
      Optional<ByteString> expected,
      Optional<ByteString> actual,
      List<RaTlsReason> reasons) {
    digest(check, name, expected, actual, "", reasons);
  }

  /** As above, {@code whyNone} saying why the claims may lack the value. */
  private static void digest(
      RaTlsCheck check,
      String name,
      Optional<ByteString> expected,
      Optional<ByteString> actual,
      String whyNone,
      List<RaTlsReason> reasons) {
    if (expected.isEmpty()) {
      return;
    }
    if (actual.isEmpty()) {
      reasons.add(
          new RaTlsReason(
              check,
              name + " mismatch: expected " + expected.get() + ", the claims have none" + whyNone));
    } else if (!expected.get().equals(actual.get())) {
      reasons.add(
          new RaTlsReason(
              check, name + " mismatch: expected " + expected.get() + ", got " + actual.get()));
    }
  }
}
