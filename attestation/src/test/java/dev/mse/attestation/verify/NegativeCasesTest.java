package dev.mse.attestation.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.Collateral;
import dev.mse.attestation.collateral.SignedJson;
import dev.mse.attestation.testing.DcapVectors;
import dev.mse.attestation.testing.DcapVectors.Vector;
import dev.mse.attestation.testing.TestVectors;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Every single mutation of NEGATIVE_CASES.json (SGX and TDX) is rejected, and by the check the test
 * vectors name.
 */
class NegativeCasesTest {
  private static final Map<String, Check> VALIDITY =
      Map.of(
          "pck_leaf", Check.PCK_LEAF_VALIDITY,
          "pck_intermediate", Check.PCK_INTERMEDIATE_VALIDITY,
          "root", Check.ROOT_VALIDITY,
          "pck_crl", Check.PCK_CRL_VALIDITY,
          "root_crl", Check.ROOT_CRL_VALIDITY,
          "tcb_signing_cert", Check.TCB_SIGNING_CERT_VALIDITY,
          "tcb_info", Check.TCB_INFO_VALIDITY,
          "qe_identity_signing_cert", Check.QE_IDENTITY_SIGNING_CERT_VALIDITY,
          "qe_identity", Check.QE_IDENTITY_VALIDITY);

  private final QuoteVerifier verifier = QuoteVerifier.full();

  static Stream<Named<JsonNode>> cases() {
    List<Named<JsonNode>> out = new ArrayList<>();
    for (JsonNode c : TestVectors.negativeCases().values()) {
      if ("sgx/tdx".equals(c.path("tee").asString(""))) {
        out.add(Named.of(c.get("base_vector").asString() + ": " + c.get("case").asString(), c));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rejectsTheMutationWithTheNamedCheck(JsonNode c) {
    Vector base = DcapVectors.byId(c.get("base_vector").asString());
    byte[] quote = base.quote().clone();
    Collateral collateral = base.collateral();
    Instant at = Instant.ofEpochSecond(c.get("at_unix").asLong());
    JsonNode m = c.get("mutation");
    if (m.has("offset") && m.has("xor")) {
      quote[m.get("offset").asInt()] ^= (byte) Integer.decode(m.get("xor").asString()).intValue();
    } else if (m.has("offset") && m.has("set_to")) {
      quote[m.get("offset").asInt()] = (byte) Integer.decode(m.get("set_to").asString()).intValue();
    } else if (m.has("replace_base64_char_with")) {
      int o = m.get("offset").asInt();
      quote[o] = quote[o] == 'A' ? (byte) 'B' : (byte) 'A';
    } else if (m.has("collateral")) {
      collateral = mutateCollateral(m.get("collateral").asString(), collateral);
    } else if (m.has("time")) {
      at = time(m.get("time").asString());
    } else {
      throw new IllegalStateException("unknown mutation " + m);
    }

    Appraisal a = verifier.verify(quote, collateral, Policies.evidenceOnly(), at);

    assertThat(a.accepted()).isFalse();
    JsonNode observed = c.get("observed");
    List<Check> failed = a.reasons().stream().map(Reason::check).toList();
    if (observed.has("exception")) {
      // The reference checker threw on the input (an invalid EC point, an unreadable structure).
      assertThat(failed).containsAnyOf(Check.ATTESTATION_KEY, Check.QUOTE_FORMAT);
      return;
    }
    List<Check> expected = new ArrayList<>();
    for (JsonNode name : observed.get("failing_checks").values()) {
      expected.add(
          name.asString().equals("structure_sizes_consistent")
              ? Check.QUOTE_FORMAT
              : Check.valueOf(name.asString().toUpperCase(Locale.ROOT)));
    }
    for (JsonNode name : observed.get("invalid_at_time").values()) {
      expected.add(VALIDITY.get(name.asString()));
    }
    if (expected.contains(Check.QUOTE_FORMAT)) {
      // Our parser refuses inconsistent sizes outright, so nothing after parsing is checked.
      assertThat(failed).containsExactly(Check.QUOTE_FORMAT);
    } else {
      assertThat(failed).containsAll(expected);
    }
  }

  private static Collateral mutateCollateral(String how, Collateral c) {
    if (how.equals("pck_crl := root CA CRL")) {
      return new Collateral(
          c.pckCrlIssuerChain(),
          c.rootCaCrl(),
          c.rootCaCrl(),
          c.tcbInfoIssuerChain(),
          c.tcbInfo(),
          c.qeIdentityIssuerChain(),
          c.qeIdentity());
    }
    if (how.endsWith(".json")) {
      return DcapVectors.collateral(
          tools.jackson.databind.json.JsonMapper.builder()
              .build()
              .createObjectNode()
              .put("format", "dcap-qvl")
              .put("file", how));
    }
    if (how.contains("tcb_info") || how.contains("tcbInfo")) {
      String body = text(c.tcbInfo());
      String edited =
          how.contains("UpToDatf")
              ? body.replaceFirst("\"UpToDate\"", "\"UpToDatf\"")
              : body.replaceFirst("\"tcbStatus\":\"UpToDate\"", "\"tcbStatus\":\"OutOfDate\"");
      if (edited.equals(body)) {
        // The SGX TCB Info of this vector has no UpToDate level: tamper with the first status.
        edited = body.replaceFirst("(\"tcbStatus\":\"[A-Za-z]*)[a-z]\"", "$1X\"");
      }
      assertThat(edited).isNotEqualTo(body);
      return new Collateral(
          c.pckCrlIssuerChain(),
          c.rootCaCrl(),
          c.pckCrl(),
          c.tcbInfoIssuerChain(),
          signed(edited, c.tcbInfo()),
          c.qeIdentityIssuerChain(),
          c.qeIdentity());
    }
    if (how.contains("qe_identity") || how.contains("enclaveIdentity")) {
      String body = text(c.qeIdentity());
      String edited = body.replaceFirst("\"isvprodid\":", "\"isvprodid\": ");
      assertThat(edited).isNotEqualTo(body);
      return new Collateral(
          c.pckCrlIssuerChain(),
          c.rootCaCrl(),
          c.pckCrl(),
          c.tcbInfoIssuerChain(),
          c.tcbInfo(),
          c.qeIdentityIssuerChain(),
          signed(edited, c.qeIdentity()));
    }
    throw new IllegalStateException("unknown collateral mutation " + how);
  }

  private static String text(SignedJson s) {
    return new String(s.body().toByteArray(), StandardCharsets.UTF_8);
  }

  private static SignedJson signed(String body, SignedJson original) {
    return new SignedJson(
        ByteString.of(body.getBytes(StandardCharsets.UTF_8)), original.signature());
  }

  private static Instant time(String description) {
    Matcher m =
        Pattern.compile("(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ)").matcher(description);
    if (!m.find()) {
      throw new IllegalStateException("no time in " + description);
    }
    return Instant.parse(m.group(1));
  }
}
