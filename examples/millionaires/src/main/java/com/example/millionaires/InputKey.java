package com.example.millionaires;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;

/**
 * The app's X25519 key pair, made at start and held in memory only (a restart makes a new one, so
 * inputs sealed to an earlier start no longer open), and the opening of the inputs sealed to it.
 *
 * <p>Inputs come in mse's sealed-file format, what {@code mse home seal --receiver-public-key}
 * writes: HPKE (RFC 9180) in auth mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM, laid
 * out as {@code 0x01 ‖ enc (32) ‖ ciphertext ‖ tag (16)} with info {@code "mse sealed file v1"} and
 * associated data {@code 0x01}. Auth mode is what makes this a contest: an input opens only under
 * the public key of the party that sealed it, so the app knows whose it is.
 */
final class InputKey {
  private static final byte VERSION = 1;
  private static final byte[] INFO =
      "mse sealed file v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] AAD = {VERSION};
  private static final int ENC_LENGTH = 32;
  private static final int TAG_LENGTH = 16;

  /** An input opened: who sealed it, and its content. */
  record Opened(Party party, byte[] content) {}

  /** A sealed input that is not even in the sealed-file format. */
  static final class MalformedInput extends Exception {
    MalformedInput(String message) {
      super(message);
    }
  }

  private final AsymmetricCipherKeyPair pair;
  private final byte[] publicKey;

  InputKey() {
    HPKE hpke = suite();
    this.pair = hpke.generatePrivateKey();
    this.publicKey = hpke.serializePublicKey(pair.getPublic());
  }

  /** The public key the parties seal to (32 bytes). */
  byte[] publicKey() {
    return publicKey.clone();
  }

  /** The input and the party that sealed it; empty when none of {@code parties} sealed it. */
  Optional<Opened> open(byte[] sealed, List<Party> parties) throws MalformedInput {
    if (sealed.length < 1 + ENC_LENGTH + TAG_LENGTH) {
      throw new MalformedInput("too short for a sealed file");
    }
    if (sealed[0] != VERSION) {
      throw new MalformedInput("not a sealed file of version 1");
    }
    byte[] enc = Arrays.copyOfRange(sealed, 1, 1 + ENC_LENGTH);
    byte[] ciphertext = Arrays.copyOfRange(sealed, 1 + ENC_LENGTH, sealed.length);
    for (Party party : parties) {
      // One HPKE object per attempt: BouncyCastle's keeps no state we rely on, and this way none
      // is shared between the server's threads.
      HPKE hpke = suite();
      try {
        byte[] content =
            hpke.open(
                enc,
                pair,
                INFO,
                AAD,
                ciphertext,
                null,
                null,
                hpke.deserializePublicKey(party.publicKey()));
        return Optional.of(new Opened(party, content));
      } catch (InvalidCipherTextException | RuntimeException e) {
        // Not this party's (a bad tag), or a degenerate key share: try the next party.
      }
    }
    return Optional.empty();
  }

  private static HPKE suite() {
    return new HPKE(
        HPKE.mode_auth, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256, HPKE.aead_AES_GCM256);
  }
}
