package dev.mse.protocol.provisioning;

import dev.mse.attestation.codec.ByteString;
import java.util.Optional;
import java.util.UUID;

/**
 * The enclave's one-shot provisioning door: the first message that opens (see {@link
 * ProvisioningSeal#open}) is accepted and its SHA-256 remembered; every later message is refused
 * with {@link ProvisioningException.Reason#ALREADY_PROVISIONED}, even an identical replay, so a
 * replayed or second message can change nothing. Messages that fail to open leave the gate as it
 * was: a forger cannot lock the owner out. Thread-safe.
 */
public final class ProvisioningGate {
  private final X25519KeyPair enclaveKey;
  private final X25519PublicKey ownerKey;
  private final UUID appId;
  private final ByteString configSha256;
  private ByteString acceptedDigest;

  private ProvisioningGate(
      X25519KeyPair enclaveKey,
      X25519PublicKey ownerKey,
      UUID appId,
      ByteString configSha256,
      ByteString acceptedDigest) {
    this.enclaveKey = enclaveKey;
    this.ownerKey = ownerKey;
    this.appId = appId;
    this.configSha256 = configSha256;
    this.acceptedDigest = acceptedDigest;
  }

  /** A gate that has not accepted anything yet. */
  public static ProvisioningGate open(
      X25519KeyPair enclaveKey, X25519PublicKey ownerKey, UUID appId, ByteString configSha256) {
    return new ProvisioningGate(enclaveKey, ownerKey, appId, configSha256, null);
  }

  /**
   * A gate that already accepted the message with digest {@code acceptedDigest}: for an enclave
   * restarting from sealed state, which must stay closed.
   */
  public static ProvisioningGate alreadyProvisioned(
      X25519KeyPair enclaveKey,
      X25519PublicKey ownerKey,
      UUID appId,
      ByteString configSha256,
      ByteString acceptedDigest) {
    return new ProvisioningGate(enclaveKey, ownerKey, appId, configSha256, acceptedDigest);
  }

  /** Opens {@code sealed} and closes the gate, or throws and leaves it as it was. */
  public synchronized ProvisioningMessage accept(byte[] sealed) throws ProvisioningException {
    if (acceptedDigest != null) {
      throw new ProvisioningException(
          ProvisioningException.Reason.ALREADY_PROVISIONED,
          "this enclave is already provisioned (message sha256 " + acceptedDigest.hex() + ")");
    }
    ProvisioningMessage message =
        ProvisioningSeal.open(sealed, enclaveKey, ownerKey, appId, configSha256);
    acceptedDigest = ByteString.of(sealed).sha256();
    return message;
  }

  /** The SHA-256 of the accepted sealed message, once there is one. */
  public synchronized Optional<ByteString> acceptedDigest() {
    return Optional.ofNullable(acceptedDigest);
  }
}
