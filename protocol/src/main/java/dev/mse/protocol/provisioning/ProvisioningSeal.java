package dev.mse.protocol.provisioning;

import dev.mse.attestation.codec.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Seals a {@link ProvisioningMessage} from the owner to a verified enclave (DESIGN §6, step 3) with
 * HPKE auth mode ({@link HpkeAuth}):
 *
 * <pre>
 * sealed = 0x01 ‖ enc (32) ‖ AES-256-GCM ciphertext of the body ‖ tag (16)
 * info   = "mse provisioning v1" ‖ app id (16)
 * aad    = 0x01 ‖ app id (16) ‖ config-sha256 (32)
 * </pre>
 *
 * The enclave opens it with its own key pair, the owner public key from its deployment config, its
 * app id and its {@code config-sha256}; a message from another key, for another app or another
 * config, or altered in any byte, fails and yields nothing. The body's app id must also match.
 */
public final class ProvisioningSeal {
  private static final byte VERSION = 1;
  private static final byte[] INFO_LABEL =
      "mse provisioning v1".getBytes(StandardCharsets.US_ASCII);

  private ProvisioningSeal() {}

  /**
   * Seals {@code message} to {@code enclaveKey} (the verified {@code hpke-pk} claim) as {@code
   * owner}, bound to the {@code configSha256} the owner verified in the enclave's claims.
   */
  public static byte[] seal(
      ProvisioningMessage message,
      X25519KeyPair owner,
      X25519PublicKey enclaveKey,
      ByteString configSha256) {
    checkDigest(configSha256);
    return HpkeAuth.seal(
        VERSION,
        info(message.appId()),
        aad(message.appId(), configSha256),
        message.encode(),
        owner,
        enclaveKey);
  }

  /** Opens a sealed message inside the enclave; see the class comment for what is checked. */
  public static ProvisioningMessage open(
      byte[] sealed,
      X25519KeyPair enclave,
      X25519PublicKey expectedOwner,
      UUID expectedAppId,
      ByteString configSha256)
      throws ProvisioningException {
    checkDigest(configSha256);
    byte[] body =
        HpkeAuth.open(
            VERSION,
            sealed,
            info(expectedAppId),
            aad(expectedAppId, configSha256),
            enclave,
            expectedOwner,
            "provisioning message");
    ProvisioningMessage message = ProvisioningMessage.decode(body);
    if (!message.appId().equals(expectedAppId)) {
      throw new ProvisioningException(
          ProvisioningException.Reason.NOT_AUTHENTIC,
          "the provisioning message is for another app");
    }
    return message;
  }

  private static byte[] info(UUID appId) {
    return HpkeAuth.concat(INFO_LABEL, ProvisioningMessage.uuidBytes(appId));
  }

  private static byte[] aad(UUID appId, ByteString configSha256) {
    return HpkeAuth.concat(
        new byte[] {VERSION}, ProvisioningMessage.uuidBytes(appId), configSha256.toByteArray());
  }

  private static void checkDigest(ByteString configSha256) {
    if (configSha256.size() != 32) {
      throw new IllegalArgumentException("config-sha256 is 32 bytes");
    }
  }
}
