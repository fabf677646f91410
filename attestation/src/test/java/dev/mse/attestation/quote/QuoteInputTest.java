package dev.mse.attestation.quote;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.attestation.testing.TestVectors;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QuoteInputTest {
  private static final byte[] QUOTE = TestVectors.bytes("sgx/dcap-qvl/sgx_quote");

  @Test
  void returnsBinaryQuotesUnchanged() throws Exception {
    assertThat(QuoteInput.decode(QUOTE)).isEqualTo(QUOTE);
  }

  @Test
  void treatsAnyNonTextByteAsBinaryEvenInOtherwiseHexText() throws Exception {
    byte[] input = "0a0b\u0000".getBytes(US_ASCII);

    assertThat(QuoteInput.decode(input)).isEqualTo(input);
  }

  @Test
  void decodesTheDcapQvlHexFileWithItsPrefixAndNewline() throws Exception {
    byte[] file = TestVectors.bytes("tdx/dcap-qvl/tdx-quote.hex");
    assertThat(new String(file, 0, 2, US_ASCII)).isEqualTo("0x");

    byte[] quote = QuoteInput.decode(file);

    assertThat(quote).hasSize(5006);
    assertThat(QuoteParser.parse(quote).header().version()).isEqualTo(4);
  }

  @Test
  void decodesHexInEitherCaseWithWhitespaceAnywhere() throws Exception {
    String hex = HexFormat.of().formatHex(QUOTE);
    String messy =
        "  0X"
            + hex.substring(0, 10).toUpperCase(Locale.ROOT)
            + "\r\n\t"
            + hex.substring(10)
            + "\n";

    assertThat(QuoteInput.decode(messy.getBytes(US_ASCII))).isEqualTo(QUOTE);
  }

  @Test
  void decodesStandardAndUrlSafeBase64WithOrWithoutPadding() throws Exception {
    byte[] odd = Arrays.copyOf(QUOTE, QUOTE.length - 1);
    for (Base64.Encoder encoder :
        new Base64.Encoder[] {
          Base64.getEncoder(),
          Base64.getEncoder().withoutPadding(),
          Base64.getUrlEncoder(),
          Base64.getUrlEncoder().withoutPadding(),
          Base64.getMimeEncoder()
        }) {
      assertThat(QuoteInput.decode(encoder.encode(odd))).isEqualTo(odd);
    }
  }

  @Test
  void readsTextMadeOnlyOfHexDigitsAsHex() throws Exception {
    assertThat(QuoteInput.decode("BEEF".getBytes(US_ASCII)))
        .isEqualTo(new byte[] {(byte) 0xbe, (byte) 0xef});
  }

  @Test
  void rejectsAnOddNumberOfHexDigitsInsteadOfTryingBase64() {
    assertThatThrownBy(() -> QuoteInput.decode("abc".getBytes(US_ASCII)))
        .isInstanceOf(QuoteFormatException.class)
        .hasMessageContaining("odd number of digits (3)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0x", "0xzz", "0x0g"})
  void requiresHexAfterA0xPrefix(String input) {
    assertThatThrownBy(() -> QuoteInput.decode(input.getBytes(US_ASCII)))
        .isInstanceOf(QuoteFormatException.class)
        .hasMessageContaining("after the 0x prefix");
  }

  @Test
  void rejectsBase64MixingBothAlphabets() {
    assertThatThrownBy(() -> QuoteInput.decode("ab+c-d==".getBytes(US_ASCII)))
        .isInstanceOf(QuoteFormatException.class)
        .hasMessageContaining("mixes the standard");
  }

  @ParameterizedTest
  @ValueSource(strings = {"A", "AQ=", "AQ==AQ", "a!bc", "====", "ab=c"})
  void rejectsTextThatIsNeitherHexNorBase64(String input) {
    assertThatThrownBy(() -> QuoteInput.decode(input.getBytes(US_ASCII)))
        .isInstanceOf(QuoteFormatException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\n\r\t "})
  void rejectsEmptyInput(String input) {
    assertThatThrownBy(() -> QuoteInput.decode(input.getBytes(US_ASCII)))
        .isInstanceOf(QuoteFormatException.class);
  }

  @Test
  void returnsACopySoCallersCannotAliasTheirBuffer() throws Exception {
    byte[] decoded = QuoteInput.decode(QUOTE);

    assertThat(decoded).isNotSameAs(QUOTE);
  }
}
