package dev.mse.cli.owner;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.ratls.AttestationClaims;
import dev.mse.attestation.ratls.ClaimsFormatException;
import dev.mse.attestation.ratls.RaTlsCertificate;
import dev.mse.attestation.ratls.RaTlsExtensions;
import dev.mse.attestation.ratls.RaTlsFormatException;
import dev.mse.cli.UserError;
import dev.mse.protocol.pkg.PackageKey;
import dev.mse.protocol.provisioning.ProvisioningMessage;
import dev.mse.protocol.provisioning.ProvisioningSeal;
import dev.mse.protocol.provisioning.SecretSeal;
import dev.mse.protocol.provisioning.X25519KeyPair;
import dev.mse.protocol.provisioning.X25519PublicKey;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * Seals the owner's provisioning message to the enclave a certificate describes: the app id, the
 * code key, the owner's TLS key (owner mode) and the secrets, themselves sealed with {@link
 * SecretSeal}, all HPKE-sealed from the owner's key to the claims' {@code hpke-pk} and bound to
 * their {@code config-sha256}. Only that enclave can open it, and it accepts it only from the owner
 * its deployment config names.
 */
public final class ProvisioningSealer {
  private ProvisioningSealer() {}

  /** The claims of {@code certificate}, which must name the certificate's own key. */
  public static AttestationClaims claims(X509Certificate certificate) {
    AttestationClaims claims;
    try {
      claims =
          AttestationClaims.decode(
              RaTlsExtensions.read(certificate).evidence().claims().toByteArray());
    } catch (RaTlsFormatException | ClaimsFormatException e) {
      throw new UserError(
          "the receiver certificate is not an mse RA-TLS certificate: " + e.getMessage(), e);
    }
    if (!claims.pubkeyHash().equals(RaTlsCertificate.pubkeyHash(certificate.getPublicKey()))) {
      throw new UserError("the receiver certificate's claims name another key than its own");
    }
    return claims;
  }

  /**
   * @param secretsJson secrets the app reads at {@code MSE_SECRETS_PATH} (inside the sealed
   *     message, so the operator never sees them either)
   * @param secretsToSeal secrets sealed once more to the enclave and app id, for {@code
   *     MSE_SEALED_SECRETS_PATH}
   */
  public static byte[] seal(
      AttestationClaims claims,
      PackageKey codeKey,
      Optional<byte[]> secretsJson,
      Optional<byte[]> secretsToSeal,
      Optional<String> ownerTlsKeyPem,
      X25519KeyPair owner) {
    X25519PublicKey enclave = X25519PublicKey.of(claims.hpkePublicKey().toByteArray());
    Optional<ByteString> sealedSecrets =
        secretsToSeal.map(s -> ByteString.of(SecretSeal.seal(s, claims.appId(), owner, enclave)));
    ProvisioningMessage message =
        new ProvisioningMessage(
            claims.appId(),
            codeKey,
            ownerTlsKeyPem,
            secretsJson.map(ByteString::of),
            sealedSecrets);
    return ProvisioningSeal.seal(message, owner, enclave, claims.configSha256());
  }
}
