package dev.mse.attestation.sim;

import dev.mse.attestation.codec.ByteString;
import java.util.Collections;
import java.util.List;

/**
 * The identity a simulated platform claims: what its PCK certificate says and which quoting enclave
 * it runs. The values are deliberately unlike any Intel platform (FMSPC {@code 5e5e5e5e5e5e}, a QE
 * signer of all {@code 5e} bytes) so simulated evidence is easy to recognise.
 */
public record SimulatedPlatform(
    ByteString fmspc,
    ByteString pceId,
    ByteString ppid,
    List<Integer> tcbComponents,
    int pceSvn,
    ByteString qeMrSigner,
    int qeIsvProdId,
    int qeIsvSvn) {

  public SimulatedPlatform {
    tcbComponents = List.copyOf(tcbComponents);
    if (tcbComponents.size() != 16) {
      throw new IllegalArgumentException("an SGX TCB has 16 components");
    }
  }

  public static SimulatedPlatform standard() {
    return new SimulatedPlatform(
        ByteString.fromHex("5e5e5e5e5e5e"),
        ByteString.fromHex("0000"),
        ByteString.fromHex("5e".repeat(16)),
        Collections.nCopies(16, 1),
        1,
        ByteString.fromHex("5e".repeat(32)),
        1,
        1);
  }
}
