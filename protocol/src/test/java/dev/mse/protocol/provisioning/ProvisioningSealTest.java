package dev.mse.protocol.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mse.attestation.codec.ByteString;
import dev.mse.protocol.pkg.PackageKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ProvisioningSealTest {
  static final X25519KeyPair OWNER = X25519KeyPair.generate();
  static final X25519KeyPair ENCLAVE = X25519KeyPair.generate();
  static final UUID APP = UUID.fromString("d17a9cbd-e2ff-4f77-ba03-e9d8ea58ca2e");
  static final ByteString CONFIG = ByteString.fromHex("ab".repeat(32));
  static final PackageKey CODE_KEY = PackageKey.generate();

  static ProvisioningMessage message() {
    return new ProvisioningMessage(
        APP,
        CODE_KEY,
        Optional.of("-----BEGIN PRIVATE KEY-----\nMIG...\n-----END PRIVATE KEY-----\n"),
        Optional.of(ByteString.of("{\"db\":\"pw\"}".getBytes(StandardCharsets.UTF_8))),
        Optional.empty());
  }

  static byte[] sealed() {
    return ProvisioningSeal.seal(message(), OWNER, ENCLAVE.publicKey(), CONFIG);
  }

  @Test
  void roundTrip() throws Exception {
    byte[] sealed = sealed();
    assertThat(sealed[0]).isEqualTo((byte) 1);
    ProvisioningMessage opened =
        ProvisioningSeal.open(sealed, ENCLAVE, OWNER.publicKey(), APP, CONFIG);
    assertThat(opened).isEqualTo(message());
    assertThat(opened.toString()).doesNotContain("PRIVATE").doesNotContain("pw");
  }

  @Test
  void bodyEncodingRoundTripsAndIsStrict() throws Exception {
    ProvisioningMessage m =
        new ProvisioningMessage(
            APP,
            CODE_KEY,
            Optional.empty(),
            Optional.empty(),
            Optional.of(ByteString.of(new byte[] {1, 2})));
    byte[] body = m.encode();
    assertThat(ProvisioningMessage.decode(body)).isEqualTo(m);
    assertThat(body.length).isEqualTo(1 + 16 + 32 + 1 + 1 + 1 + 4 + 2);
    assertThatThrownBy(() -> ProvisioningMessage.decode(Arrays.copyOf(body, body.length + 1)))
        .isInstanceOf(ProvisioningException.class);
    assertThatThrownBy(() -> ProvisioningMessage.decode(Arrays.copyOf(body, body.length - 1)))
        .isInstanceOf(ProvisioningException.class);
    byte[] badMarker = body.clone();
    badMarker[49] = 2;
    assertThatThrownBy(() -> ProvisioningMessage.decode(badMarker))
        .isInstanceOf(ProvisioningException.class);
  }

  private static ProvisioningException.Reason failure(
      byte[] sealed, X25519KeyPair enclave, X25519PublicKey owner, UUID app, ByteString config) {
    ProvisioningException e =
        catchThrowableOfType(
            ProvisioningException.class,
            () -> ProvisioningSeal.open(sealed, enclave, owner, app, config));
    assertThat(e).isNotNull();
    return e.reason();
  }

  @Test
  void wrongSenderAppConfigOrRecipientFails() {
    byte[] sealed = sealed();
    X25519KeyPair mallory = X25519KeyPair.generate();
    assertThat(failure(sealed, ENCLAVE, mallory.publicKey(), APP, CONFIG))
        .isEqualTo(ProvisioningException.Reason.NOT_AUTHENTIC);
    assertThat(failure(sealed, ENCLAVE, OWNER.publicKey(), UUID.randomUUID(), CONFIG))
        .isEqualTo(ProvisioningException.Reason.NOT_AUTHENTIC);
    assertThat(failure(sealed, ENCLAVE, OWNER.publicKey(), APP, ByteString.of(new byte[32])))
        .isEqualTo(ProvisioningException.Reason.NOT_AUTHENTIC);
    assertThat(failure(sealed, X25519KeyPair.generate(), OWNER.publicKey(), APP, CONFIG))
        .isEqualTo(ProvisioningException.Reason.NOT_AUTHENTIC);
    // a message sealed by mallory, even to the right enclave, app and config
    byte[] forged = ProvisioningSeal.seal(message(), mallory, ENCLAVE.publicKey(), CONFIG);
    assertThat(failure(forged, ENCLAVE, OWNER.publicKey(), APP, CONFIG))
        .isEqualTo(ProvisioningException.Reason.NOT_AUTHENTIC);
  }

  @Test
  void bodyForAnotherAppIsRefusedEvenWhenTheEnvelopeIsRight() throws Exception {
    ProvisioningMessage other =
        new ProvisioningMessage(
            UUID.randomUUID(), CODE_KEY, Optional.empty(), Optional.empty(), Optional.empty());
    // seal() binds info and aad to the body's app id; build an envelope for APP around it
    byte[] sealed =
        HpkeAuth.seal(
            (byte) 1,
            HpkeAuth.concat(
                "mse provisioning v1".getBytes(StandardCharsets.US_ASCII),
                ProvisioningMessage.uuidBytes(APP)),
            HpkeAuth.concat(
                new byte[] {1}, ProvisioningMessage.uuidBytes(APP), CONFIG.toByteArray()),
            other.encode(),
            OWNER,
            ENCLAVE.publicKey());
    assertThat(failure(sealed, ENCLAVE, OWNER.publicKey(), APP, CONFIG))
        .isEqualTo(ProvisioningException.Reason.NOT_AUTHENTIC);
  }

  @Test
  void everySingleByteFlipFails() {
    byte[] sealed = sealed();
    for (int i = 0; i < sealed.length; i++) {
      byte[] bad = sealed.clone();
      bad[i] ^= 0x01;
      ProvisioningException.Reason reason = failure(bad, ENCLAVE, OWNER.publicKey(), APP, CONFIG);
      assertThat(reason)
          .as("byte %d", i)
          .isNotEqualTo(ProvisioningException.Reason.ALREADY_PROVISIONED);
    }
    assertThat(failure(Arrays.copyOf(sealed, 40), ENCLAVE, OWNER.publicKey(), APP, CONFIG))
        .isEqualTo(ProvisioningException.Reason.MALFORMED);
  }

  @Test
  void degenerateEphemeralKeyIsNotAuthentic() {
    byte[] sealed = sealed();
    Arrays.fill(sealed, 1, 33, (byte) 0); // enc = 0: small-order point, all-zero shared secret
    assertThat(failure(sealed, ENCLAVE, OWNER.publicKey(), APP, CONFIG))
        .isEqualTo(ProvisioningException.Reason.NOT_AUTHENTIC);
  }

  @Test
  void gateAcceptsExactlyOnce() throws Exception {
    ProvisioningGate gate = ProvisioningGate.open(ENCLAVE, OWNER.publicKey(), APP, CONFIG);
    byte[] forged =
        ProvisioningSeal.seal(message(), X25519KeyPair.generate(), ENCLAVE.publicKey(), CONFIG);
    assertThatThrownBy(() -> gate.accept(forged)).isInstanceOf(ProvisioningException.class);
    assertThat(gate.acceptedDigest()).isEmpty();
    byte[] sealed = sealed();
    assertThat(gate.accept(sealed)).isEqualTo(message());
    assertThat(gate.acceptedDigest()).contains(ByteString.of(sealed).sha256());
    ProvisioningException replay =
        catchThrowableOfType(ProvisioningException.class, () -> gate.accept(sealed));
    assertThat(replay.reason()).isEqualTo(ProvisioningException.Reason.ALREADY_PROVISIONED);
    ProvisioningException second =
        catchThrowableOfType(ProvisioningException.class, () -> gate.accept(sealed()));
    assertThat(second.reason()).isEqualTo(ProvisioningException.Reason.ALREADY_PROVISIONED);
    ProvisioningGate restarted =
        ProvisioningGate.alreadyProvisioned(
            ENCLAVE, OWNER.publicKey(), APP, CONFIG, ByteString.of(sealed).sha256());
    assertThatThrownBy(() -> restarted.accept(sealed())).isInstanceOf(ProvisioningException.class);
  }

  @Test
  void secretSealIsAuthenticated() throws Exception {
    byte[] secrets = "{\"k\":1}".getBytes(StandardCharsets.UTF_8);
    byte[] sealed = SecretSeal.seal(secrets, APP, OWNER, ENCLAVE.publicKey());
    assertThat(SecretSeal.open(sealed, ENCLAVE, OWNER.publicKey(), APP).toByteArray())
        .isEqualTo(secrets);
    assertThatThrownBy(
            () -> SecretSeal.open(sealed, ENCLAVE, X25519KeyPair.generate().publicKey(), APP))
        .isInstanceOf(ProvisioningException.class);
    assertThatThrownBy(() -> SecretSeal.open(sealed, ENCLAVE, OWNER.publicKey(), UUID.randomUUID()))
        .isInstanceOf(ProvisioningException.class);
    // a sealed-secrets blob is not a provisioning message, and the other way round
    assertThatThrownBy(() -> ProvisioningSeal.open(sealed, ENCLAVE, OWNER.publicKey(), APP, CONFIG))
        .isInstanceOf(ProvisioningException.class);
    assertThatThrownBy(() -> SecretSeal.open(sealed(), ENCLAVE, OWNER.publicKey(), APP))
        .isInstanceOf(ProvisioningException.class);
  }
}
