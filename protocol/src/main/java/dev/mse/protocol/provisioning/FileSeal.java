package dev.mse.protocol.provisioning;

import java.nio.charset.StandardCharsets;

/**
 * A file sealed from one X25519 key to another, for {@code mse home seal --receiver-public-key} and
 * {@code mse home unseal}: MSE's sealed box to a raw public key, but HPKE auth mode (as {@link
 * SecretSeal}) so that whoever opens it also knows which key sealed it. Not bound to an app or an
 * enclave: the receiver is whoever holds the private key.
 *
 * <pre>
 * sealed = 0x01 ‖ enc (32) ‖ AES-256-GCM ciphertext ‖ tag (16)
 * info   = "mse sealed file v1"
 * aad    = 0x01
 * </pre>
 */
public final class FileSeal {
  private static final byte VERSION = 1;
  private static final byte[] INFO = "mse sealed file v1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] AAD = {VERSION};

  private FileSeal() {}

  public static byte[] seal(byte[] content, X25519KeyPair sender, X25519PublicKey receiver) {
    return HpkeAuth.seal(VERSION, INFO, AAD, content, sender, receiver);
  }

  /** The content, if {@code expectedSender} sealed it to {@code receiver}'s public key. */
  public static byte[] open(byte[] sealed, X25519KeyPair receiver, X25519PublicKey expectedSender)
      throws ProvisioningException {
    return HpkeAuth.open(VERSION, sealed, INFO, AAD, receiver, expectedSender, "sealed file");
  }
}
