package dev.mse.enclave.runtime;

import dev.mse.attestation.codec.ByteString;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Optional;

/**
 * What a provisioned runtime keeps across restarts, sealed to its TEE and measurement: its TLS and
 * HPKE private keys (so its identity survives a restart), the code key, the owner's TLS key and the
 * secrets, and the digest of the accepted provisioning message (so the gate stays closed).
 *
 * <p>The RA-TLS certificate is kept too, so the enclave serves the same certificate after a restart
 * and clients that pinned it keep working. {@link #toString()} shows no key and no secret.
 *
 * <p>Encoding: version byte 1, then each field as a 4-byte big-endian length and bytes (length −1
 * for an absent optional field).
 */
record SealedState(
    ByteString tlsPrivateKeyPkcs8,
    ByteString certificateDer,
    ByteString hpkePrivateKey,
    ByteString codeKey,
    Optional<String> ownerTlsPrivateKeyPem,
    Optional<ByteString> operatorSecrets,
    Optional<ByteString> ownerSecrets,
    ByteString acceptedMessageSha256) {

  private static final int VERSION = 1;
  private static final int MAX_FIELD = 32 * 1024 * 1024;

  byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      write(out, Optional.of(tlsPrivateKeyPkcs8));
      write(out, Optional.of(certificateDer));
      write(out, Optional.of(hpkePrivateKey));
      write(out, Optional.of(codeKey));
      write(
          out,
          ownerTlsPrivateKeyPem.map(
              s -> ByteString.of(s.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
      write(out, operatorSecrets);
      write(out, ownerSecrets);
      write(out, Optional.of(acceptedMessageSha256));
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    }
    return bytes.toByteArray();
  }

  static SealedState decode(byte[] encoded) throws IOException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
      if (in.readUnsignedByte() != VERSION) {
        throw new IOException("unknown sealed state version");
      }
      SealedState state =
          new SealedState(
              read(in).orElseThrow(() -> new IOException("no TLS key")),
              read(in).orElseThrow(() -> new IOException("no certificate")),
              read(in).orElseThrow(() -> new IOException("no HPKE key")),
              read(in).orElseThrow(() -> new IOException("no code key")),
              read(in)
                  .map(b -> new String(b.toByteArray(), java.nio.charset.StandardCharsets.UTF_8)),
              read(in),
              read(in),
              read(in).orElseThrow(() -> new IOException("no message digest")));
      if (in.read() != -1) {
        throw new IOException("trailing bytes after the sealed state");
      }
      return state;
    }
  }

  @Override
  public String toString() {
    return "SealedState[tlsPrivateKey=redacted, certificate="
        + certificateDer.size()
        + " bytes, hpkePrivateKey=redacted, codeKey=redacted, ownerTlsPrivateKey="
        + redacted(ownerTlsPrivateKeyPem.map(String::length))
        + ", operatorSecrets="
        + redacted(operatorSecrets.map(ByteString::size))
        + ", ownerSecrets="
        + redacted(ownerSecrets.map(ByteString::size))
        + ", acceptedMessageSha256="
        + acceptedMessageSha256.hex()
        + "]";
  }

  /** How an optional secret of {@code size} shows: whether it is there, never what it is. */
  static String redacted(Optional<Integer> size) {
    return size.map(n -> "redacted (" + n + ")").orElse("none");
  }

  private static void write(DataOutputStream out, Optional<ByteString> field) throws IOException {
    if (field.isEmpty()) {
      out.writeInt(-1);
      return;
    }
    out.writeInt(field.get().size());
    out.write(field.get().toByteArray());
  }

  private static Optional<ByteString> read(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length == -1) {
      return Optional.empty();
    }
    if (length < 0 || length > MAX_FIELD) {
      throw new IOException("bad field length " + length);
    }
    return Optional.of(ByteString.of(in.readNBytes(length)));
  }
}
