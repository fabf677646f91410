package dev.mse.protocol.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UntrustedTextTest {
  @Test
  void twentyMebibytesBecomeSixtyFourCharacters() {
    String huge = "a".repeat(20 << 20);
    assertThat(UntrustedText.excerpt(huge)).isEqualTo("'" + "a".repeat(64) + "'…");
    assertThat(UntrustedText.excerpt(huge.getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("'" + "a".repeat(64) + "'…");
  }

  @Test
  void shortTextIsQuotedWhole() {
    assertThat(UntrustedText.excerpt("64g")).isEqualTo("'64g'");
    assertThat(UntrustedText.excerpt("")).isEqualTo("''");
    assertThat(UntrustedText.excerpt("é 漢字 😀")).isEqualTo("'é 漢字 😀'");
  }

  @Test
  void charactersThatHideOrReorderTextAreEscaped() {
    assertThat(UntrustedText.excerpt("a\nforged log line")).isEqualTo("'a\\u000aforged log line'");
    assertThat(UntrustedText.excerpt("\u202egnp.exe")).isEqualTo("'\\u202egnp.exe'");
    assertThat(UntrustedText.excerpt("zero\u200bwidth")).isEqualTo("'zero\\u200bwidth'");
    assertThat(UntrustedText.excerpt("\u001b[31mred")).isEqualTo("'\\u001b[31mred'");
    assertThat(UntrustedText.excerpt("lone \ud800 surrogate"))
        .isEqualTo("'lone \\ud800 surrogate'");
    assertThat(UntrustedText.excerpt("back\\slash")).isEqualTo("'back\\\\slash'");
  }

  @Test
  void malformedUtf8IsReplaced() {
    assertThat(UntrustedText.excerpt(new byte[] {'o', 'k', (byte) 0xff})).isEqualTo("'ok\ufffd'");
  }
}
