package dev.mse.attestation.verify;

import dev.mse.attestation.codec.ByteString;
import java.util.Optional;

/**
 * What a Nitro document must carry to be bound to this verification (a fresh nonce, the key a
 * session is about to trust, the application's data). An empty field is not checked.
 */
public record NitroBinding(
    Optional<ByteString> userData, Optional<ByteString> nonce, Optional<ByteString> publicKey) {
  public static NitroBinding none() {
    return new NitroBinding(Optional.empty(), Optional.empty(), Optional.empty());
  }
}
