package dev.mse.protocol.provisioning;

import dev.mse.attestation.codec.ByteString;
import dev.mse.protocol.pkg.PackageKey;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;

/**
 * What the owner sends, sealed, to a verified enclave (DESIGN §6): the app id, the package key, the
 * owner's TLS private key in owner mode, the plain secrets ({@code secrets.json}) and the sealed
 * secrets ({@link SecretSeal}). {@link #toString()} shows none of the secrets.
 *
 * <p>Body encoding (deterministic, length-prefixed, big-endian):
 *
 * <pre>
 * 0x01                       version
 * app id                     16 bytes (most significant half first)
 * code key                   32 bytes
 * then three optional fields, in this order: owner TLS private key (PEM, UTF-8), secrets JSON,
 * sealed secrets; each as 0x00 (absent) or 0x01 ‖ length (4) ‖ bytes
 * </pre>
 *
 * Nothing may follow; each field is at most {@value #MAX_FIELD_LENGTH} bytes.
 *
 * @param appId the app this message is for
 * @param codeKey the key of the app package
 * @param ownerTlsPrivateKeyPem the private key of the owner's certificate (owner mode)
 * @param secretsJson the content of {@code secrets.json}
 * @param sealedSecrets secrets sealed with {@link SecretSeal}, opened by the enclave
 */
public record ProvisioningMessage(
    UUID appId,
    PackageKey codeKey,
    Optional<String> ownerTlsPrivateKeyPem,
    Optional<ByteString> secretsJson,
    Optional<ByteString> sealedSecrets) {

  static final byte VERSION = 1;

  /** Largest optional field. */
  public static final int MAX_FIELD_LENGTH = 16 * 1024 * 1024;

  public ProvisioningMessage {
    if ((ownerTlsPrivateKeyPem.isPresent()
            && utf8Length(ownerTlsPrivateKeyPem.get()) > MAX_FIELD_LENGTH)
        || (secretsJson.isPresent() && secretsJson.get().size() > MAX_FIELD_LENGTH)
        || (sealedSecrets.isPresent() && sealedSecrets.get().size() > MAX_FIELD_LENGTH)) {
      throw new IllegalArgumentException("a provisioning field is larger than 16 MiB");
    }
  }

  byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(VERSION);
    out.writeBytes(uuidBytes(appId));
    out.writeBytes(codeKey.toByteArray());
    writeOptional(out, ownerTlsPrivateKeyPem.map(s -> s.getBytes(StandardCharsets.UTF_8)));
    writeOptional(out, secretsJson.map(ByteString::toByteArray));
    writeOptional(out, sealedSecrets.map(ByteString::toByteArray));
    return out.toByteArray();
  }

  static ProvisioningMessage decode(byte[] body) throws ProvisioningException {
    ByteBuffer in = ByteBuffer.wrap(body);
    if (in.remaining() < 1 + 16 + PackageKey.LENGTH || in.get() != VERSION) {
      throw malformed("unknown provisioning body version or too short");
    }
    UUID appId = new UUID(in.getLong(), in.getLong());
    byte[] key = new byte[PackageKey.LENGTH];
    in.get(key);
    Optional<byte[]> pem = readOptional(in);
    Optional<byte[]> secrets = readOptional(in);
    Optional<byte[]> sealed = readOptional(in);
    if (in.hasRemaining()) {
      throw malformed("trailing bytes after the provisioning body");
    }
    Optional<String> pemText = Optional.empty();
    if (pem.isPresent()) {
      pemText = Optional.of(strictUtf8(pem.get()));
    }
    return new ProvisioningMessage(
        appId,
        PackageKey.of(key),
        pemText,
        secrets.map(ByteString::of),
        sealed.map(ByteString::of));
  }

  static byte[] uuidBytes(UUID id) {
    return ByteBuffer.allocate(16)
        .putLong(id.getMostSignificantBits())
        .putLong(id.getLeastSignificantBits())
        .array();
  }

  private static void writeOptional(ByteArrayOutputStream out, Optional<byte[]> field) {
    if (field.isEmpty()) {
      out.write(0);
      return;
    }
    out.write(1);
    out.writeBytes(ByteBuffer.allocate(4).putInt(field.get().length).array());
    out.writeBytes(field.get());
  }

  private static Optional<byte[]> readOptional(ByteBuffer in) throws ProvisioningException {
    if (!in.hasRemaining()) {
      throw malformed("the provisioning body is truncated");
    }
    byte present = in.get();
    if (present == 0) {
      return Optional.empty();
    }
    if (present != 1 || in.remaining() < 4) {
      throw malformed("bad field marker in the provisioning body");
    }
    int length = in.getInt();
    if (length < 0 || length > MAX_FIELD_LENGTH || length > in.remaining()) {
      throw malformed("bad field length in the provisioning body");
    }
    byte[] value = new byte[length];
    in.get(value);
    return Optional.of(value);
  }

  private static String strictUtf8(byte[] bytes) throws ProvisioningException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw malformed("the owner TLS key is not UTF-8");
    }
  }

  private static long utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static ProvisioningException malformed(String message) {
    return new ProvisioningException(ProvisioningException.Reason.MALFORMED, message);
  }

  @Override
  public String toString() {
    return "ProvisioningMessage[appId="
        + appId
        + ", codeKey=redacted, ownerTlsPrivateKey="
        + (ownerTlsPrivateKeyPem.isPresent() ? "redacted" : "none")
        + ", secretsJson="
        + secretsJson.map(s -> s.size() + " bytes").orElse("none")
        + ", sealedSecrets="
        + sealedSecrets.map(s -> s.size() + " bytes").orElse("none")
        + "]";
  }
}
