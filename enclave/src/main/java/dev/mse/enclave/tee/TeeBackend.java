package dev.mse.enclave.tee;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.Collateral;
import java.util.Optional;
import javax.crypto.SecretKey;

/**
 * The TEE the runtime runs in, behind one small interface: make evidence that binds 64 bytes of
 * report data, and give a key that only this code on this TEE can derive.
 */
public sealed interface TeeBackend permits SimulationBackend, GramineSgxBackend, TsmBackend {
  /** {@code simulation}, {@code gramine-sgx} or {@code tsm}. */
  String name();

  /** True for the simulated TEE, whose evidence proves nothing about confidentiality. */
  boolean simulated();

  /** A quote (or report) that binds {@code reportData}, exactly 64 bytes. */
  byte[] quote(ByteString reportData) throws TeeException;

  /**
   * A 256-bit AES key bound to this TEE and the runtime's measurement, for sealing state across
   * restarts; empty when the TEE offers none (confidential VMs through configfs-tsm), in which case
   * a restart needs the owner to provision again.
   */
  Optional<SecretKey> sealingKey() throws TeeException;

  /**
   * Collateral the backend makes offline (simulation only), used when the runtime has no PCCS; with
   * one, every backend's collateral comes from it ({@code EvidenceMaker}).
   */
  Optional<Collateral> collateral();
}
