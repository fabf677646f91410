package dev.mse.attestation.quote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.attestation.codec.ByteString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

class QuoteParserTest {

  static List<DcapVector> vectors() {
    return DcapVector.all();
  }

  static List<DcapVector> distinctQuotes() {
    return DcapVector.distinctQuotes();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void readsVersionTeeTypeAndBodyKind(DcapVector v) {
    JsonNode e = v.expected();
    Quote quote = v.quote();

    assertThat(quote.header().version()).isEqualTo(e.get("quote_version").asInt());
    if (e.has("tee_type")) {
      assertThat(quote.header().teeType()).isEqualTo(Long.decode(e.get("tee_type").asString()));
    }
    switch (e.get("body").asString()) {
      case "SGX_ENCLAVE_REPORT" -> assertThat(quote.body()).isInstanceOf(EnclaveReport.class);
      case "TD_REPORT_1.0" ->
          assertThat(tdReport(quote).version()).isEqualTo(TdReport.Version.TD_1_0);
      case "TD_REPORT_1.5" ->
          assertThat(tdReport(quote).version()).isEqualTo(TdReport.Version.TD_1_5);
      default -> throw new AssertionError("unknown body kind " + e.get("body"));
    }
    assertThat(quote.isTdx()).isEqualTo(quote.header().version() != 3);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void reportsStructureLengthSoTrailingBytesCanBeIgnored(DcapVector v) {
    JsonNode e = v.expected();
    byte[] bytes = v.quoteBytes();
    Quote quote = v.quote();

    assertThat(ByteString.of(bytes).sha256().hex()).isEqualTo(e.get("quote_sha256").asString());
    if (e.has("quote_len")) {
      assertThat(bytes).hasSize(e.get("quote_len").asInt());
      assertThat(bytes.length - quote.length())
          .isEqualTo(e.get("trailing_bytes_after_quote").asInt());
    } else {
      assertThat(quote.length()).isEqualTo(bytes.length);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void signsHeaderAndBodyIncludingTheV5BodyDescriptor(DcapVector v) {
    byte[] bytes = v.quoteBytes();
    Quote quote = v.quote();
    int bodySize =
        switch (quote.body()) {
          case EnclaveReport r -> EnclaveReport.SIZE;
          case TdReport r -> r.version() == TdReport.Version.TD_1_0 ? 584 : 648;
        };
    int descriptor = quote.header().version() == 5 ? 6 : 0;

    assertThat(quote.signedRegion())
        .isEqualTo(ByteString.copyOf(bytes, 0, QuoteHeader.SIZE + descriptor + bodySize));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void extractsHeaderFields(DcapVector v) {
    JsonNode e = v.expected().get("header");
    QuoteHeader header = v.quote().header();
    if (e == null) {
      assertThat(header.attestationKeyType()).isEqualTo(2);
      return;
    }
    assertThat(header.attestationKeyType()).isEqualTo(e.get("att_key_type").asInt());
    assertThat(header.qeSvn()).isEqualTo(e.get("qe_svn").asInt());
    assertThat(header.pceSvn()).isEqualTo(e.get("pce_svn").asInt());
    assertThat(header.qeVendorId().hex()).isEqualTo(e.get("qe_vendor_id").asString());
    assertThat(header.qeVendorId()).isEqualTo(QuoteHeader.INTEL_QE_VENDOR_ID);
    assertThat(header.userData().hex()).isEqualTo(e.get("user_data").asString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void extractsEveryListedReportBodyField(DcapVector v) {
    JsonNode e = v.expected().get("report");
    Quote quote = v.quote();
    Map<String, Object> actual =
        switch (quote.body()) {
          case EnclaveReport r -> ReportFields.of(r);
          case TdReport r -> ReportFields.of(r);
        };

    ReportFields.assertMatches(e, actual);
    JsonNode flags =
        e.has("attribute_flags")
            ? e.get("attribute_flags")
            : e.has("td_attribute_flags")
                ? e.get("td_attribute_flags")
                : v.expected().get("attribute_flags");
    assertThat(quote.body().debug()).isEqualTo(flags.get("DEBUG").asBoolean());
    if (quote.body() instanceof TdReport td) {
      assertThat(td.septVeDisable()).isEqualTo(flags.get("SEPT_VE_DISABLE").asBoolean());
      assertThat(td.teeTcbSvn2().isPresent())
          .isEqualTo(td.version() == TdReport.Version.TD_1_5)
          .isEqualTo(e.has("tee_tcb_svn2"));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void extractsQeReportFields(DcapVector v) {
    EnclaveReport qeReport = v.quote().signatureData().qeReport();

    ReportFields.assertMatches(v.expected().get("qe_report"), ReportFields.of(qeReport));
    assertThat(qeReport.raw().size()).isEqualTo(EnclaveReport.SIZE);
    assertThat(v.quote().signatureData().qeAuthData().size()).isEqualTo(32);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void extractsCertificationDataTypes(DcapVector v) {
    JsonNode e = v.expected();
    QuoteSignatureData sig = v.quote().signatureData();

    assertThat(sig.certification().type()).isEqualTo(e.get("cert_data_type").asInt());
    JsonNode outer = e.get("outer_cert_data_type");
    int expectedOuter =
        outer == null || outer.isNull() ? sig.certification().type() : outer.asInt();
    assertThat(sig.outerCertificationType()).isEqualTo(expectedOuter);
    assertThat(sig.signature().size()).isEqualTo(64);
    assertThat(sig.attestationKey().size()).isEqualTo(64);
    assertThat(sig.qeReportSignature().size()).isEqualTo(64);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("distinctQuotes")
  void rejectsEveryTruncationBelowTheStructureLength(DcapVector v) {
    byte[] bytes = v.quoteBytes();
    int length = v.quote().length();
    List<String> wrong = new ArrayList<>();
    for (int n = 0; n < length; n++) {
      try {
        QuoteParser.parse(Arrays.copyOf(bytes, n));
        wrong.add(n + ": parsed");
      } catch (QuoteFormatException expected) {
        // the only acceptable outcome
      } catch (RuntimeException e) {
        wrong.add(n + ": " + e);
      }
    }
    assertThat(wrong).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("distinctQuotes")
  void ignoresTrailingBytesAfterTheStructure(DcapVector v) throws Exception {
    byte[] bytes = v.quoteBytes();
    Quote quote = v.quote();
    byte[] exact = Arrays.copyOf(bytes, quote.length());
    byte[] padded = Arrays.copyOf(exact, exact.length + 1000);
    Arrays.fill(padded, exact.length, padded.length, (byte) 0xa5);

    assertThat(QuoteParser.parse(exact)).isEqualTo(quote);
    assertThat(QuoteParser.parse(padded)).isEqualTo(quote);
  }

  static List<JsonNode> goTdxGuestStructuralMutations() {
    return QuoteMutations.negativeCases().stream()
        .filter(c -> c.get("quote_file").asString().contains("go-tdx-guest"))
        .filter(c -> List.of(0, 0x278).contains(c.get("mutation").get("offset").asInt()))
        .toList();
  }

  static List<Named<JsonNode>> namedStructuralMutations() {
    return goTdxGuestStructuralMutations().stream()
        .map(c -> Named.of(QuoteMutations.name(c), c))
        .toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("namedStructuralMutations")
  void rejectsGoTdxGuestStructuralMutations(JsonNode negativeCase) {
    byte[] mutated = QuoteMutations.apply(negativeCase);
    int offset = negativeCase.get("mutation").get("offset").asInt();

    assertThat(goTdxGuestStructuralMutations()).hasSize(2);
    assertThatThrownBy(() -> QuoteParser.parse(mutated))
        .isInstanceOf(QuoteFormatException.class)
        .hasMessageContaining(offset == 0 ? "TEE type 0x81" : "inconsistent size");
  }

  @Test
  void namesTheInnerCertificationDataWhenTheSignatureDataLengthIsTooSmall() {
    byte[] mutated =
        QuoteMutations.apply(
            goTdxGuestStructuralMutations().stream()
                .filter(c -> c.get("mutation").get("offset").asInt() == 0x278)
                .findFirst()
                .orElseThrow());

    assertThatThrownBy(() -> QuoteParser.parse(mutated))
        .hasMessage(
            "inconsistent size: QE report certification data length 4165 (at offset 766)"
                + " exceeds the 3978 bytes left in the signature data");
  }

  static List<Named<JsonNode>> byteMutationsThatOnlyBreakSignatures() {
    List<JsonNode> structural = goTdxGuestStructuralMutations();
    return QuoteMutations.negativeCases().stream()
        .filter(c -> !structural.contains(c))
        .map(c -> Named.of(QuoteMutations.name(c), c))
        .toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("byteMutationsThatOnlyBreakSignatures")
  void stillParsesMutationsThatOnlyTheVerifierCanReject(JsonNode negativeCase) throws Exception {
    byte[] mutated = QuoteMutations.apply(negativeCase);

    assertThat(QuoteParser.parse(mutated).length()).isPositive();
  }

  private static TdReport tdReport(Quote quote) {
    assertThat(quote.body()).isInstanceOf(TdReport.class);
    return (TdReport) quote.body();
  }
}
