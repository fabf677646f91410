package dev.mse.protocol.provisioning;

import java.util.Arrays;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;

/**
 * Single-shot HPKE (RFC 9180) in auth mode with DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and
 * AES-256-GCM, through BouncyCastle. Auth mode proves to the recipient which static key sent the
 * message, which the enclave needs: only the owner named in the deployment config may provision.
 *
 * <p>Sealed form: {@code version (1) ‖ enc (32) ‖ ciphertext ‖ tag (16)}.
 */
final class HpkeAuth {
  static final int ENC_LENGTH = 32;
  static final int TAG_LENGTH = 16;

  private HpkeAuth() {}

  static HPKE suite() {
    return new HPKE(
        HPKE.mode_auth, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256, HPKE.aead_AES_GCM256);
  }

  static byte[] seal(
      byte version,
      byte[] info,
      byte[] aad,
      byte[] plaintext,
      X25519KeyPair sender,
      X25519PublicKey recipient) {
    HPKE hpke = suite();
    AsymmetricKeyParameter pkR = hpke.deserializePublicKey(recipient.toByteArray());
    AsymmetricCipherKeyPair skS =
        hpke.deserializePrivateKey(sender.privateKey(), sender.publicKey().toByteArray());
    byte[][] sealed;
    try {
      sealed = hpke.seal(pkR, info, aad, plaintext, null, null, skS);
    } catch (InvalidCipherTextException | RuntimeException e) {
      throw new IllegalArgumentException("cannot seal to this recipient key: " + e.getMessage(), e);
    }
    byte[] ct = sealed[0];
    byte[] enc = sealed[1];
    byte[] out = new byte[1 + enc.length + ct.length];
    out[0] = version;
    System.arraycopy(enc, 0, out, 1, enc.length);
    System.arraycopy(ct, 0, out, 1 + enc.length, ct.length);
    return out;
  }

  static byte[] open(
      byte version,
      byte[] sealed,
      byte[] info,
      byte[] aad,
      X25519KeyPair recipient,
      X25519PublicKey sender,
      String what)
      throws ProvisioningException {
    if (sealed.length < 1 + ENC_LENGTH + TAG_LENGTH) {
      throw new ProvisioningException(
          ProvisioningException.Reason.MALFORMED, "the " + what + " is too short");
    }
    if (sealed[0] != version) {
      throw new ProvisioningException(
          ProvisioningException.Reason.MALFORMED,
          "unsupported " + what + " version " + (sealed[0] & 0xff));
    }
    byte[] enc = Arrays.copyOfRange(sealed, 1, 1 + ENC_LENGTH);
    byte[] ct = Arrays.copyOfRange(sealed, 1 + ENC_LENGTH, sealed.length);
    HPKE hpke = suite();
    try {
      AsymmetricCipherKeyPair skR =
          hpke.deserializePrivateKey(recipient.privateKey(), recipient.publicKey().toByteArray());
      AsymmetricKeyParameter pkS = hpke.deserializePublicKey(sender.toByteArray());
      return hpke.open(enc, skR, info, aad, ct, null, null, pkS);
    } catch (InvalidCipherTextException | RuntimeException e) {
      // BouncyCastle reports a bad tag as InvalidCipherTextException and a degenerate key share
      // (an all-zero X25519 result) as IllegalStateException: both are "not authentic" here.
      throw new ProvisioningException(
          ProvisioningException.Reason.NOT_AUTHENTIC,
          "the " + what + " does not authenticate for this enclave, sender, app and config",
          e);
    }
  }

  static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] p : parts) {
      length += p.length;
    }
    byte[] out = new byte[length];
    int offset = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, offset, p.length);
      offset += p.length;
    }
    return out;
  }
}
