package dev.mse.enclave.runtime;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.ratls.AttestationClaims.State;
import dev.mse.enclave.runtime.EnclaveRuntime.Status;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The runtime's status and its moves (waiting → initializing → running | failed), each one atomic:
 * a move happens only from the state it starts from, so that of two racing moves (the app failing
 * while its health check passes, the provisioning deadline while a message is accepted) exactly one
 * takes effect and the loser knows it.
 */
final class RuntimeStatus {
  private final AtomicReference<Status> current;

  RuntimeStatus(State initial) {
    this.current = new AtomicReference<>(new Status(initial, Optional.empty(), Optional.empty()));
  }

  Status get() {
    return current.get();
  }

  /** Waiting → initializing: the owner's message was accepted. */
  boolean provisioned() {
    return move(State.WAITING, new Status(State.INITIALIZING, Optional.empty(), Optional.empty()));
  }

  /** Initializing → running, with the digest of the code that runs. */
  boolean running(ByteString codeSha256) {
    return move(
        State.INITIALIZING, new Status(State.RUNNING, Optional.empty(), Optional.of(codeSha256)));
  }

  /** Waiting → failed: nobody provisioned this enclave in time. */
  boolean expire(String why) {
    return move(State.WAITING, new Status(State.FAILED, Optional.of(why), Optional.empty()));
  }

  /** Any state but failed → failed; the first reason stays. */
  boolean fail(String why) {
    Status now = current.get();
    while (now.state() != State.FAILED) {
      if (current.compareAndSet(
          now, new Status(State.FAILED, Optional.of(why), now.codeSha256()))) {
        return true;
      }
      now = current.get();
    }
    return false;
  }

  private boolean move(State from, Status to) {
    Status now = current.get();
    while (now.state() == from) {
      if (current.compareAndSet(now, to)) {
        return true;
      }
      now = current.get();
    }
    return false;
  }
}
