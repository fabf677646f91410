package dev.mse.attestation.collateral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.attestation.codec.ByteString;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class CollateralBundleTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Instant FETCHED = Instant.parse("2025-06-05T03:45:00Z");

  private static Collateral automata() throws CollateralFormatException {
    return CollateralSets.read(CollateralSets.vectors().get(7).spec());
  }

  private static ObjectNode written(Collateral collateral) throws CollateralFormatException {
    return (ObjectNode)
        JSON.readTree(
            CollateralBundleWriter.write(
                    new CollateralBundle(collateral, FETCHED, Optional.empty()))
                .toByteArray());
  }

  private static ByteString bytes(ObjectNode json) {
    return ByteString.of(JSON.writeValueAsBytes(json));
  }

  @Test
  void roundTripsEveryRealCollateralSet() throws Exception {
    for (var spec : CollateralSets.distinctSpecs()) {
      CollateralBundle bundle =
          new CollateralBundle(
              CollateralSets.read(spec), FETCHED, Optional.of("https://pccs.example:8081"));

      CollateralBundle read = CollateralBundleReader.read(CollateralBundleWriter.write(bundle));

      assertThat(read).as(spec.toString()).isEqualTo(bundle);
    }
  }

  @Test
  void writesTheDocumentedFields() throws Exception {
    ObjectNode json = written(automata());

    assertThat(json.propertyNames())
        .containsExactly(
            "format",
            "fetched_at",
            "tcb_info",
            "qe_identity",
            "tcb_info_issuer_chain",
            "qe_identity_issuer_chain",
            "pck_crl",
            "pck_crl_issuer_chain",
            "root_ca_crl");
    assertThat(json.get("format").asString()).isEqualTo("mse-dcap-collateral/1");
    assertThat(json.get("fetched_at").asString()).isEqualTo("2025-06-05T03:45:00Z");
    assertThat(json.get("tcb_info").asString()).startsWith("{\"tcbInfo\":{\"id\":\"TDX\"");
    assertThat(json.get("pck_crl").asString()).startsWith("-----BEGIN X509 CRL-----\n");
    assertThat(json.get("tcb_info_issuer_chain").asString())
        .startsWith("-----BEGIN CERTIFICATE-----\n")
        .contains("-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\n");
  }

  @Test
  void theSignedBytesSurviveTheBundleUnchanged() throws Exception {
    Collateral collateral = automata();
    ObjectNode json = written(collateral);

    SignedJson tcbInfo =
        PcsResponseReader.tcbInfo(
            ByteString.of(json.get("tcb_info").asString().getBytes(StandardCharsets.UTF_8)));

    assertThat(tcbInfo).isEqualTo(collateral.tcbInfo());
    assertThat(tcbInfo.body())
        .isEqualTo(
            PcsResponseReader.tcbInfo(
                    CollateralSets.bytes("tdx/automata/0625/tcbinfov3_00806f050000.json"))
                .body());
  }

  @Test
  void anEmptyPckCrlIssuerChainMeansTakeItFromTheQuote() throws Exception {
    Collateral full = automata();
    Collateral withoutChain =
        new Collateral(
            List.of(),
            full.rootCaCrl(),
            full.pckCrl(),
            full.tcbInfoIssuerChain(),
            full.tcbInfo(),
            full.qeIdentityIssuerChain(),
            full.qeIdentity());
    ObjectNode json = written(withoutChain);
    ObjectNode absent = json.deepCopy();
    absent.remove("pck_crl_issuer_chain");

    assertThat(json.get("pck_crl_issuer_chain").asString()).isEmpty();
    assertThat(CollateralBundleReader.read(bytes(json)).collateral()).isEqualTo(withoutChain);
    assertThat(CollateralBundleReader.read(bytes(absent)).collateral()).isEqualTo(withoutChain);
  }

  @Test
  void collateralReaderTakesEitherFormat() throws Exception {
    Collateral fromDcapQvl =
        CollateralReader.read(CollateralSets.bytes("sgx/dcap-qvl/sgx_quote_collateral.json"));
    ByteString bundle =
        CollateralBundleWriter.write(new CollateralBundle(fromDcapQvl, FETCHED, Optional.empty()));

    assertThat(CollateralReader.read(bundle)).isEqualTo(fromDcapQvl);
  }

  @Test
  void collateralReaderExplainsWhatItCannotRead() {
    assertThatThrownBy(
            () -> CollateralReader.read(CollateralSets.bytes("tdx/automata/0625/qe_td.json")))
        .hasMessageContaining("single Intel PCS response");
    assertThatThrownBy(
            () ->
                CollateralReader.read(ByteString.of("{\"a\":1}".getBytes(StandardCharsets.UTF_8))))
        .hasMessageContaining("unknown format");
  }

  @Test
  void rejectsOtherVersionsAndNonPemParts() throws Exception {
    ObjectNode future = written(automata());
    future.put("format", "mse-dcap-collateral/2");
    ObjectNode alien = written(automata());
    alien.put("format", "something-else");
    ObjectNode derCrl = written(automata());
    derCrl.put("root_ca_crl", "3082");
    ObjectNode noDate = written(automata());
    noDate.remove("fetched_at");
    ObjectNode badBody = written(automata());
    badBody.put(
        "tcb_info",
        badBody.get("tcb_info").asString().replace("\"tcbType\":0", "\"tcbType\":\"0\""));

    assertThatThrownBy(() -> CollateralBundleReader.read(bytes(future)))
        .hasMessageContaining("bundle.format: unsupported version \"mse-dcap-collateral/2\"");
    assertThatThrownBy(() -> CollateralBundleReader.read(bytes(alien)))
        .hasMessageContaining("bundle.format: unknown format");
    assertThatThrownBy(() -> CollateralBundleReader.read(bytes(derCrl)))
        .hasMessage("bundle.root_ca_crl: expected PEM");
    assertThatThrownBy(() -> CollateralBundleReader.read(bytes(noDate)))
        .hasMessage("bundle.fetched_at: missing");
    assertThatThrownBy(() -> CollateralBundleReader.read(bytes(badBody)))
        .hasMessage("tcbInfo.tcbType: expected an integer");
  }

  @Test
  void refusesToWriteASignedBodyThatIsNotUtf8() throws Exception {
    Collateral collateral = automata();
    Collateral latin1 =
        new Collateral(
            collateral.pckCrlIssuerChain(),
            collateral.rootCaCrl(),
            collateral.pckCrl(),
            collateral.tcbInfoIssuerChain(),
            new SignedJson(
                ByteString.of(new byte[] {'{', (byte) 0xE9, '}'}),
                collateral.tcbInfo().signature()),
            collateral.qeIdentityIssuerChain(),
            collateral.qeIdentity());

    assertThatThrownBy(
            () ->
                CollateralBundleWriter.write(
                    new CollateralBundle(latin1, FETCHED, Optional.empty())))
        .hasMessage("tcb_info: the signed body is not UTF-8");
  }
}
