package dev.mse.attestation.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.policy.PolicyParser;
import dev.mse.attestation.testing.NitroVectors;
import dev.mse.attestation.testing.NitroVectors.Vector;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** Every real Nitro document gives the fields and verdicts of EXPECTED.json at its timestamp. */
class NitroVectorsTest {
  static Stream<Vector> vectors() {
    return NitroVectors.all().stream();
  }

  private static AppraisalPolicy allowDebug() throws Exception {
    return PolicyParser.parse("[nitro]\nallow_debug = true\n");
  }

  private static Optional<ByteString> field(JsonNode expected, String name) {
    JsonNode v = expected.get(name);
    return v == null || v.isNull()
        ? Optional.empty()
        : Optional.of(ByteString.fromHex(v.asString()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void genuineDocumentGivesTheExpectedFields(Vector v) throws Exception {
    Appraisal a = NitroVerifier.verify(v.document(), allowDebug(), v.at(), NitroBinding.none());

    assertThat(a.reasons()).isEmpty();
    assertThat(a.tee()).isEqualTo(TeeKind.NITRO);
    JsonNode e = v.expected();
    e.get("pcrs")
        .properties()
        .forEach(
            p ->
                assertThat(a.measurements())
                    .containsEntry("pcr" + p.getKey(), p.getValue().asString()));
    assertThat(a.measurements()).containsEntry("module_id", e.get("module_id").asString());
    assertThat(a.measurements())
        .containsEntry("user_data", field(e, "user_data").map(ByteString::hex).orElse(""))
        .containsEntry("nonce", field(e, "nonce").map(ByteString::hex).orElse(""))
        .containsEntry("public_key", field(e, "public_key").map(ByteString::hex).orElse(""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void defaultPolicyRefusesExactlyTheDebugDocuments(Vector v) {
    Appraisal a =
        NitroVerifier.verify(v.document(), AppraisalPolicy.defaults(), v.at(), NitroBinding.none());

    if (v.debug()) {
      assertThat(a.reasons()).extracting(Reason::check).containsExactly(Check.DEBUG);
    } else {
      assertThat(a.accepted()).isTrue();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void leafCertificateHasExpiredThreeHoursAndTenMinutesLater(Vector v) throws Exception {
    Appraisal a =
        NitroVerifier.verify(
            v.document(),
            allowDebug(),
            v.at().plus(Duration.ofHours(3).plusMinutes(10)),
            NitroBinding.none());

    assertThat(a.reasons()).extracting(Reason::check).containsOnly(Check.NITRO_CHAIN_VALIDITY);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void bindsNonceUserDataAndPublicKey(Vector v) throws Exception {
    JsonNode e = v.expected();
    NitroBinding genuine =
        new NitroBinding(field(e, "user_data"), field(e, "nonce"), field(e, "public_key"));
    assertThat(NitroVerifier.verify(v.document(), allowDebug(), v.at(), genuine).accepted())
        .isTrue();

    ByteString other = ByteString.fromHex("00112233");
    NitroBinding wrong =
        new NitroBinding(Optional.of(other), Optional.of(other), Optional.of(other));
    Appraisal a = NitroVerifier.verify(v.document(), allowDebug(), v.at(), wrong);
    assertThat(a.reasons())
        .extracting(Reason::check)
        .containsExactlyInAnyOrder(
            Check.USER_DATA_BINDING, Check.NONCE_BINDING, Check.PUBLIC_KEY_BINDING);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void policyPinsPcr0(Vector v) throws Exception {
    String pcr0 = v.expected().get("pcrs").get("0").asString();
    String other = "ab".repeat(48);
    AppraisalPolicy pinned =
        PolicyParser.parse("[nitro]\nallow_debug = true\npcr0 = [\"" + pcr0 + "\"]\n");
    AppraisalPolicy elsewhere =
        PolicyParser.parse("[nitro]\nallow_debug = true\npcr0 = [\"" + other + "\"]\n");

    assertThat(NitroVerifier.verify(v.document(), pinned, v.at(), NitroBinding.none()).accepted())
        .isTrue();
    assertThat(NitroVerifier.verify(v.document(), elsewhere, v.at(), NitroBinding.none()).reasons())
        .extracting(Reason::check)
        .containsExactly(Check.MEASUREMENT);
  }

  static Stream<Arguments> flips() {
    SplittableRandom random = new SplittableRandom(0x4e17_2014L);
    return NitroVectors.all().stream()
        .flatMap(
            v ->
                IntStream.range(0, 60)
                    .mapToObj(
                        i ->
                            Arguments.of(
                                v, random.nextInt(v.document().length), 1 + random.nextInt(255))));
  }

  /** Any byte of a document is covered by the signature, a certificate's or the root pin. */
  /**
   * The chain's and the document's keys get their own comb after a few verifications: the verdicts
   * on the comb are the same as before it (accepted; a flipped signature byte refused).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void repeatedVerificationsOnTheKeysCombsGiveTheSameVerdicts(Vector v) throws Exception {
    for (int i = 0; i < 12; i++) {
      assertThat(
              NitroVerifier.verify(v.document(), allowDebug(), v.at(), NitroBinding.none())
                  .reasons())
          .as("verification %d", i)
          .isEmpty();
    }
    byte[] flipped = v.document().clone();
    flipped[flipped.length - 1] ^= 0x01; // the last byte of the COSE signature's s
    Appraisal a = NitroVerifier.verify(flipped, allowDebug(), v.at(), NitroBinding.none());
    assertThat(a.reasons()).extracting(Reason::check).containsExactly(Check.COSE_SIGNATURE);
  }

  @ParameterizedTest(name = "{0} byte {1} ^ {2}")
  @MethodSource("flips")
  void anyByteFlipIsRejected(Vector v, int offset, int mask) throws Exception {
    byte[] doc = v.document().clone();
    doc[offset] ^= (byte) mask;

    Appraisal a = NitroVerifier.verify(doc, allowDebug(), v.at(), NitroBinding.none());

    assertThat(a.accepted()).isFalse();
    assertThat(a.reasons())
        .extracting(Reason::check)
        .containsAnyOf(
            Check.NITRO_DOCUMENT_FORMAT, Check.COSE_SIGNATURE, Check.NITRO_CHAIN, Check.NITRO_ROOT);
  }

  @Test
  void garbageIsOneFormatReason() {
    Appraisal a =
        NitroVerifier.verify(
            new byte[] {(byte) 0x84, 0x44},
            AppraisalPolicy.defaults(),
            java.time.Instant.EPOCH,
            NitroBinding.none());

    assertThat(a.reasons()).extracting(Reason::check).containsExactly(Check.NITRO_DOCUMENT_FORMAT);
  }
}
