package dev.mse.enclave.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.codec.ByteString;
import dev.mse.protocol.pkg.PackageKey;
import dev.mse.protocol.provisioning.X25519KeyPair;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the runtime holds in memory prints no key and no secret, whoever logs it. */
class RedactionTest {
  private static final String PEM =
      """
      -----BEGIN PRIVATE KEY-----
      MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg0wnerSecretBody
      -----END PRIVATE KEY-----
      """;
  private static final ByteString OWNER_SECRETS = utf8("{\"api_key\":\"owner-s3cret\"}");
  private static final ByteString OPERATOR_SECRETS = utf8("{\"db\":\"operator-s3cret\"}");

  private static ByteString utf8(String s) {
    return ByteString.of(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Every form in which the secrets could show up in a string. */
  private static List<String> secretForms(PackageKey codeKey, KeyPair tls, X25519KeyPair hpke) {
    return List.of(
        codeKey.toHex(),
        ByteString.of(tls.getPrivate().getEncoded()).hex(),
        ByteString.of(hpke.privateKey()).hex(),
        "0wnerSecretBody",
        "MIGHAgEAMBMG",
        "owner-s3cret",
        OWNER_SECRETS.hex(),
        "operator-s3cret",
        OPERATOR_SECRETS.hex());
  }

  @Test
  void provisionedAndSealedStateShowNoKeyOrSecret() throws Exception {
    PackageKey codeKey = PackageKey.generate();
    KeyPair tls = EnclaveRuntime.newTlsKey();
    X25519KeyPair hpke = X25519KeyPair.generate();
    Provisioned provisioned =
        new Provisioned(
            codeKey, Optional.of(PEM), Optional.of(OWNER_SECRETS), Optional.of(OPERATOR_SECRETS));
    SealedState sealed =
        new SealedState(
            ByteString.of(tls.getPrivate().getEncoded()),
            ByteString.of(new byte[] {1, 2, 3}),
            ByteString.of(hpke.privateKey()),
            ByteString.of(codeKey.toByteArray()),
            Optional.of(PEM),
            Optional.of(OPERATOR_SECRETS),
            Optional.of(OWNER_SECRETS),
            ByteString.fromHex("ee".repeat(32)));

    for (String shown : List.of(provisioned.toString(), sealed.toString())) {
      for (String secret : secretForms(codeKey, tls, hpke)) {
        assertThat(shown).doesNotContainIgnoringCase(secret);
      }
      assertThat(shown).contains("redacted");
    }
    assertThat(sealed.toString()).contains("ee".repeat(32));
  }
}
