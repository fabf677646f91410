package dev.mse.attestation.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.codec.X509Codec;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.policy.PolicyParser;
import dev.mse.attestation.snp.SnpReport;
import dev.mse.attestation.snp.SnpReportParser;
import dev.mse.attestation.testing.SnpVectors;
import dev.mse.attestation.testing.SnpVectors.Vector;
import dev.mse.attestation.testing.TestVectors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** Every real SEV-SNP report gives the fields and verdicts of EXPECTED.json. */
class SnpVectorsTest {
  static Stream<Vector> vectors() {
    return SnpVectors.all().stream();
  }

  private static SnpEndorsements vek(Vector v) {
    return new SnpEndorsements(v.vek(), Optional.empty());
  }

  private static AppraisalPolicy evidenceOnly() throws Exception {
    return PolicyParser.parse("[snp]\nallow_debug = true\nallow_migration_agent = true\n");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void genuineReportGivesTheExpectedFields(Vector v) throws Exception {
    Appraisal a = SnpVerifier.verify(v.report(), vek(v), evidenceOnly(), v.at(), Optional.empty());

    assertThat(a.reasons()).isEmpty();
    assertThat(a.tee()).isEqualTo(TeeKind.SNP);
    JsonNode r = v.expected().get("report");
    assertThat(a.measurements())
        .containsEntry("measurement", r.get("measurement").asString())
        .containsEntry("report_data", r.get("report_data").asString())
        .containsEntry("host_data", r.get("host_data").asString())
        .containsEntry("chip_id", r.get("chip_id").asString())
        .containsEntry("id_key_digest", r.get("id_key_digest").asString())
        .containsEntry("report_id", r.get("report_id").asString())
        .containsEntry("version", r.get("version").asString())
        .containsEntry("vmpl", r.get("vmpl").asString())
        .containsEntry("guest_svn", r.get("guest_svn").asString())
        .containsEntry("policy", "0x" + Long.toHexString(r.get("policy").asLong()))
        .containsEntry(
            "reported_tcb", String.format("%016x", r.get("reported_tcb").bigIntegerValue()))
        .containsEntry(
            "current_tcb", String.format("%016x", r.get("current_tcb").bigIntegerValue()))
        .containsEntry("signing_key", v.expected().get("signing_key").asString())
        .containsEntry("product", "Milan")
        .containsEntry("revocation", "not checked");
    JsonNode parts = v.expected().get("reported_tcb_parts");
    assertThat(a.measurements().get("reported_tcb_parts"))
        .startsWith(
            "bootloader "
                + parts.get("bootloader").asInt()
                + ", tee "
                + parts.get("tee").asInt()
                + ", snp "
                + parts.get("snp").asInt()
                + ", microcode "
                + parts.get("microcode").asInt());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void defaultPolicyRefusesOnlyTheDebugGuest(Vector v) {
    Appraisal a =
        SnpVerifier.verify(
            v.report(), vek(v), AppraisalPolicy.defaults(), v.at(), Optional.empty());

    if (v.expected().get("policy_flags").get("DEBUG").asBoolean()) {
      assertThat(a.reasons()).extracting(Reason::check).containsExactly(Check.DEBUG);
    } else {
      assertThat(a.accepted()).isTrue();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void reportDataBindsTheSession(Vector v) throws Exception {
    ByteString data = ByteString.fromHex(v.expected().get("report").get("report_data").asString());
    byte[] other = data.toByteArray();
    other[0] ^= 1;

    assertThat(
            SnpVerifier.verify(v.report(), vek(v), evidenceOnly(), v.at(), Optional.of(data))
                .accepted())
        .isTrue();
    assertThat(
            SnpVerifier.verify(
                    v.report(), vek(v), evidenceOnly(), v.at(), Optional.of(ByteString.of(other)))
                .reasons())
        .extracting(Reason::check)
        .containsExactly(Check.REPORT_DATA_BINDING);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void policyChecksMeasurementVmplSvnAndMinimumTcb(Vector v) throws Exception {
    JsonNode r = v.expected().get("report");
    JsonNode parts = v.expected().get("reported_tcb_parts");
    String exact =
        "[snp]\nallow_debug = true\nmeasurement = [\""
            + r.get("measurement").asString()
            + "\"]\nvmpl = "
            + r.get("vmpl").asInt()
            + "\nmin_guest_svn = "
            + r.get("guest_svn").asInt()
            + "\nmin_tcb = { bootloader = "
            + parts.get("bootloader").asInt()
            + ", tee = "
            + parts.get("tee").asInt()
            + ", snp = "
            + parts.get("snp").asInt()
            + ", microcode = "
            + parts.get("microcode").asInt()
            + " }\n";
    assertThat(
            SnpVerifier.verify(
                    v.report(), vek(v), PolicyParser.parse(exact), v.at(), Optional.empty())
                .reasons())
        .isEmpty();

    String stricter =
        "[snp]\nallow_debug = true\nmeasurement = [\""
            + "00".repeat(48)
            + "\"]\nvmpl = "
            + (r.get("vmpl").asInt() + 1)
            + "\nmin_guest_svn = "
            + (r.get("guest_svn").asInt() + 1)
            + "\nmin_tcb = { snp = "
            + (parts.get("snp").asInt() + 1)
            + " }\nrequire_crl = true\n";
    assertThat(
            SnpVerifier.verify(
                    v.report(), vek(v), PolicyParser.parse(stricter), v.at(), Optional.empty())
                .reasons())
        .extracting(Reason::check)
        .containsExactlyInAnyOrder(
            Check.MEASUREMENT,
            Check.SNP_VMPL,
            Check.SNP_GUEST_SVN,
            Check.SNP_TCB,
            Check.REVOCATION_CHECKED);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void keyIsCheckedAtTheGivenTime(Vector v) throws Exception {
    var after = v.vek().getNotAfter().toInstant().plus(Duration.ofSeconds(1));
    Appraisal a = SnpVerifier.verify(v.report(), vek(v), evidenceOnly(), after, Optional.empty());

    assertThat(a.reasons()).extracting(Reason::check).containsOnly(Check.VEK_CHAIN_VALIDITY);
  }

  @Test
  void aKeyOfAnotherChipOrTcbIsRefused() throws Exception {
    List<Vector> all = SnpVectors.all();
    Vector goSevGuest = all.get(0);
    Vector virtee = all.get(1);
    Appraisal a =
        SnpVerifier.verify(
            goSevGuest.report(),
            new SnpEndorsements(virtee.vek(), Optional.empty()),
            evidenceOnly(),
            goSevGuest.at().plus(Duration.ofDays(400)),
            Optional.empty());

    assertThat(a.reasons())
        .extracting(Reason::check)
        .containsExactlyInAnyOrder(
            Check.VEK_TCB_MATCHES, Check.CHIP_ID_MATCHES, Check.SNP_REPORT_SIGNATURE);
  }

  @Test
  void trusteesRecodedVceksDoNotChainToAmd() throws Exception {
    Vector trustee = SnpVectors.all().get(2);
    for (String file :
        List.of(
            "snp/trustee/test-vcek-invalid-legacy.der", "snp/trustee/test-vcek-invalid-new.der")) {
      var forged = X509Codec.certificate(TestVectors.bytes(file));
      Appraisal a =
          SnpVerifier.verify(
              trustee.report(),
              new SnpEndorsements(forged, Optional.empty()),
              evidenceOnly(),
              trustee.at(),
              Optional.empty());
      assertThat(a.accepted()).as(file).isFalse();
      assertThat(a.reasons()).extracting(Reason::check).as(file).contains(Check.VEK_CHAIN);
    }
  }

  @Test
  void aVlekReportIsNotAcceptedWithAVcekChainAndViceVersa() throws Exception {
    List<Vector> all = SnpVectors.all();
    Vector vcekReport = all.get(2);
    Vector vlekReport = all.get(3);
    Appraisal a =
        SnpVerifier.verify(
            vlekReport.report(),
            new SnpEndorsements(vcekReport.vek(), Optional.empty()),
            evidenceOnly(),
            vlekReport.at(),
            Optional.empty());
    assertThat(a.reasons())
        .extracting(Reason::check)
        .contains(Check.AMD_ROOT, Check.SNP_REPORT_SIGNATURE);
  }

  static Stream<Arguments> flips() {
    SplittableRandom random = new SplittableRandom(0x5e5_2014L);
    List<Arguments> out = new ArrayList<>();
    for (Vector v : SnpVectors.all()) {
      IntStream.range(0, 60)
          .forEach(
              i ->
                  out.add(
                      Arguments.of(
                          v,
                          random.nextInt(SnpReportParser.SIGNED_SIZE),
                          1 + random.nextInt(255))));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} byte {1} ^ {2}")
  @MethodSource("flips")
  void anyByteFlipOfTheSignedRegionIsRejected(Vector v, int offset, int mask) throws Exception {
    byte[] report = v.report().clone();
    report[offset] ^= (byte) mask;

    Appraisal a = SnpVerifier.verify(report, vek(v), evidenceOnly(), v.at(), Optional.empty());

    assertThat(a.accepted()).isFalse();
    assertThat(a.reasons())
        .extracting(Reason::check)
        .containsAnyOf(Check.SNP_REPORT_SIGNATURE, Check.SNP_REPORT_FORMAT);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void signatureFlipAndPaddingAreRejected(Vector v) throws Exception {
    byte[] sig = v.report().clone();
    sig[SnpReportParser.SIGNED_SIZE] ^= 1;
    byte[] padding = v.report().clone();
    padding[SnpReportParser.SIGNED_SIZE + 60] = 1;

    assertThat(SnpVerifier.verify(sig, vek(v), evidenceOnly(), v.at(), Optional.empty()).reasons())
        .extracting(Reason::check)
        .containsExactly(Check.SNP_REPORT_SIGNATURE);
    assertThat(
            SnpVerifier.verify(padding, vek(v), evidenceOnly(), v.at(), Optional.empty()).reasons())
        .extracting(Reason::check)
        .containsExactly(Check.SNP_REPORT_FORMAT);
  }

  @Test
  void parserReadsTheVersionThreeCpuid() throws Exception {
    SnpReport r = SnpReportParser.parse(SnpVectors.all().get(3).report());
    assertThat(r.cpuid()).isEqualTo(new SnpReport.Cpuid(0x19, 0x01, 0x01));
    assertThat(r.signingKey()).isEqualTo(SnpReport.SIGNING_KEY_VLEK);
  }
}
