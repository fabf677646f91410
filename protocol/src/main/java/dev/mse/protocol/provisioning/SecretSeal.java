package dev.mse.protocol.provisioning;

import dev.mse.attestation.codec.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The "sealed secrets" of MSE ({@code secrets_to_seal.json}): secrets the owner seals to the
 * enclave's {@code hpke-pk} so that the node operator, who carries them, cannot read them. MSE used
 * an anonymous sealed box, which anyone could produce; here it is HPKE auth mode from the owner's
 * key, so the enclave also knows who sealed them.
 *
 * <pre>
 * sealed = 0x01 ‖ enc (32) ‖ AES-256-GCM ciphertext ‖ tag (16)
 * info   = "mse sealed secrets v1" ‖ app id (16)
 * aad    = 0x01 ‖ app id (16)
 * </pre>
 */
public final class SecretSeal {
  private static final byte VERSION = 1;
  private static final byte[] INFO_LABEL =
      "mse sealed secrets v1".getBytes(StandardCharsets.US_ASCII);

  private SecretSeal() {}

  public static byte[] seal(
      byte[] secrets, UUID appId, X25519KeyPair owner, X25519PublicKey enclaveKey) {
    return HpkeAuth.seal(VERSION, info(appId), aad(appId), secrets, owner, enclaveKey);
  }

  /** The secrets, if they were sealed by {@code expectedOwner} to this enclave for this app. */
  public static ByteString open(
      byte[] sealed, X25519KeyPair enclave, X25519PublicKey expectedOwner, UUID appId)
      throws ProvisioningException {
    return ByteString.of(
        HpkeAuth.open(
            VERSION, sealed, info(appId), aad(appId), enclave, expectedOwner, "sealed secrets"));
  }

  private static byte[] info(UUID appId) {
    return HpkeAuth.concat(INFO_LABEL, ProvisioningMessage.uuidBytes(appId));
  }

  private static byte[] aad(UUID appId) {
    return HpkeAuth.concat(new byte[] {VERSION}, ProvisioningMessage.uuidBytes(appId));
  }
}
