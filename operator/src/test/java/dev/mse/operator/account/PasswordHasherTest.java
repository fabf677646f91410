package dev.mse.operator.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
  /** RFC 9106 §5.3: the Argon2id test vector. */
  @Test
  void matchesTheRfc9106Argon2idVector() {
    byte[] password = filled(32, 0x01);
    byte[] salt = filled(16, 0x02);
    byte[] secret = filled(8, 0x03);
    byte[] associated = filled(12, 0x04);
    byte[] tag = PasswordHasher.derive(password, salt, secret, associated, 32, 3, 4, 32);
    assertThat(HexFormat.of().formatHex(tag))
        .isEqualTo("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
  }

  @Test
  void hashesInPhcFormatWithOwaspParametersAndVerifies() {
    PasswordHasher hasher = new PasswordHasher();
    String phc = hasher.hash("correct horse battery");
    assertThat(phc).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
    assertThat(phc).doesNotContain("correct horse");
    assertThat(hasher.verify("correct horse battery", phc)).isTrue();
    assertThat(hasher.verify("correct horse batterz", phc)).isFalse();
    assertThat(hasher.hash("correct horse battery")).isNotEqualTo(phc);
  }

  @Test
  void refusesMalformedOrCostlyHashStrings() {
    PasswordHasher hasher = new PasswordHasher();
    assertThat(hasher.verify("x", "")).isFalse();
    assertThat(
            hasher.verify("x", "$argon2i$v=19$m=19456,t=2,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA"))
        .isFalse();
    assertThat(
            hasher.verify(
                "x", "$argon2id$v=19$m=99999999,t=2,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA"))
        .isFalse();
    assertThat(hasher.verify("x", "$argon2id$v=19$m=19456,t=2,p=1$!!$!!")).isFalse();
  }

  private static byte[] filled(int n, int value) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }
}
