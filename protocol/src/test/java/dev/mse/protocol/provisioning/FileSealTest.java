package dev.mse.protocol.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FileSealTest {
  static final X25519KeyPair SENDER = X25519KeyPair.generate();
  static final X25519KeyPair RECEIVER = X25519KeyPair.generate();
  static final byte[] CONTENT = "{\"result\": 42}".getBytes(StandardCharsets.UTF_8);

  @Test
  void opensForTheReceiverFromTheSender() throws Exception {
    byte[] sealed = FileSeal.seal(CONTENT, SENDER, RECEIVER.publicKey());
    assertThat(sealed).hasSize(1 + 32 + CONTENT.length + 16);
    assertThat(FileSeal.open(sealed, RECEIVER, SENDER.publicKey())).isEqualTo(CONTENT);
  }

  @Test
  void refusesAnotherReceiverOrSender() {
    byte[] sealed = FileSeal.seal(CONTENT, SENDER, RECEIVER.publicKey());
    X25519KeyPair other = X25519KeyPair.generate();
    assertThat(
            catchThrowableOfType(
                    ProvisioningException.class,
                    () -> FileSeal.open(sealed, other, SENDER.publicKey()))
                .reason())
        .isEqualTo(ProvisioningException.Reason.NOT_AUTHENTIC);
    assertThat(
            catchThrowableOfType(
                    ProvisioningException.class,
                    () -> FileSeal.open(sealed, RECEIVER, other.publicKey()))
                .reason())
        .isEqualTo(ProvisioningException.Reason.NOT_AUTHENTIC);
  }

  @Test
  void refusesSecretSealsAndEveryAlteredByte() {
    byte[] sealed = FileSeal.seal(CONTENT, SENDER, RECEIVER.publicKey());
    // Same keys, other domain: a provisioning secret seal is not a sealed file.
    byte[] secret =
        SecretSeal.seal(CONTENT, java.util.UUID.randomUUID(), SENDER, RECEIVER.publicKey());
    assertThat(
            catchThrowableOfType(
                ProvisioningException.class,
                () -> FileSeal.open(secret, RECEIVER, SENDER.publicKey())))
        .isNotNull();
    Random random = new Random(15);
    for (int i = 0; i < sealed.length; i++) {
      byte[] altered = sealed.clone();
      altered[i] ^= (byte) (1 + random.nextInt(255));
      assertThat(
              catchThrowableOfType(
                  ProvisioningException.class,
                  () -> FileSeal.open(altered, RECEIVER, SENDER.publicKey())))
          .as("byte %d altered", i)
          .isNotNull();
    }
    for (int n = 0; n < 1 + 32 + 16; n++) {
      byte[] truncated = java.util.Arrays.copyOf(sealed, n);
      assertThat(
              catchThrowableOfType(
                  ProvisioningException.class,
                  () -> FileSeal.open(truncated, RECEIVER, SENDER.publicKey())))
          .isNotNull();
    }
  }
}
