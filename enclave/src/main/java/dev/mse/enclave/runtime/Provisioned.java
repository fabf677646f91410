package dev.mse.enclave.runtime;

import dev.mse.attestation.codec.ByteString;
import dev.mse.protocol.pkg.PackageKey;
import java.util.Optional;

/**
 * What the runtime holds once provisioned, whether from the owner's message or from its sealed
 * state after a restart. {@link #toString()} shows none of it.
 *
 * @param ownerSecrets secrets only the owner and the enclave can read (sealed on the way)
 * @param operatorSecrets plain secrets the node operator added to the provisioning request
 */
record Provisioned(
    PackageKey codeKey,
    Optional<String> ownerTlsPrivateKeyPem,
    Optional<ByteString> ownerSecrets,
    Optional<ByteString> operatorSecrets) {

  @Override
  public String toString() {
    return "Provisioned[codeKey=redacted, ownerTlsPrivateKey="
        + SealedState.redacted(ownerTlsPrivateKeyPem.map(pem -> pem.length()))
        + ", ownerSecrets="
        + SealedState.redacted(ownerSecrets.map(ByteString::size))
        + ", operatorSecrets="
        + SealedState.redacted(operatorSecrets.map(ByteString::size))
        + "]";
  }
}
