package dev.mse.attestation.ratls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.codec.CborWriter;
import dev.mse.attestation.ratls.RaTlsFormatException.Problem;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DiceEvidenceTest {
  private static final DiceEvidence EVIDENCE =
      new DiceEvidence(ByteString.fromHex("01".repeat(300)), ByteString.fromHex("a0"));

  @Test
  void isTag60000OverAnArrayOfQuoteAndClaims() throws Exception {
    byte[] encoded = EVIDENCE.encode();
    // d9 ea60 (tag 60000), 82 (array of 2), 59 012c (bytes, 300), ..., 41 a0 (bytes, 1)
    assertThat(ByteString.copyOf(encoded, 0, 7)).isEqualTo(ByteString.fromHex("d9ea608259012c"));
    assertThat(ByteString.copyOf(encoded, encoded.length - 2, 2))
        .isEqualTo(ByteString.fromHex("41a0"));
    assertThat(DiceEvidence.decode(encoded)).isEqualTo(EVIDENCE);
  }

  @Test
  void rejectsOtherShapes() {
    byte[] good = EVIDENCE.encode();
    assertMalformed(Arrays.copyOf(good, good.length + 1), "trailing");
    byte[] otherTag = good.clone();
    otherTag[2] = 0x61;
    assertMalformed(otherTag, "60001");
    byte[] threeItems = good.clone();
    threeItems[3] = (byte) 0x83;
    assertMalformed(threeItems, "3 entries");
    assertMalformed(
        new CborWriter().array(2).bytes(new byte[1]).bytes(new byte[1]).toByteArray(), "a tag");
    assertMalformed(new byte[] {(byte) 0xd9, (byte) 0xea, 0x60, (byte) 0x9f}, "indefinite");
    assertMalformed(new byte[0], "end of input");
  }

  private static void assertMalformed(byte[] value, String messagePart) {
    assertThatThrownBy(() -> DiceEvidence.decode(value))
        .isInstanceOf(RaTlsFormatException.class)
        .hasMessageContaining(messagePart)
        .satisfies(
            e ->
                assertThat(((RaTlsFormatException) e).problem())
                    .isEqualTo(Problem.MALFORMED_EXTENSION));
  }
}
