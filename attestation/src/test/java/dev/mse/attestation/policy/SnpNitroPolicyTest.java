package dev.mse.attestation.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.snp.SnpTcb;
import org.junit.jupiter.api.Test;

/** The [snp] and [nitro] tables: every documented key, safe defaults, typos refused. */
class SnpNitroPolicyTest {
  @Test
  void readsEverySnpKey() throws Exception {
    AppraisalPolicy p =
        PolicyParser.parse(
            """
            [snp]
            measurement = ["%s"]
            host_data = ["%s"]
            id_key_digest = ["%s"]
            author_key_digest = ["%s"]
            min_guest_svn = 4
            vmpl = 0
            min_tcb = { bootloader = 3, tee = 0, snp = 8, microcode = 115 }
            allow_debug = true
            allow_migration_agent = true
            require_crl = true
            """
                .formatted("aa".repeat(48), "bb".repeat(32), "cc".repeat(48), "dd".repeat(48)));

    var snp = p.snp();
    assertThat(snp.measurement()).containsExactly(ByteString.fromHex("aa".repeat(48)));
    assertThat(snp.hostData()).containsExactly(ByteString.fromHex("bb".repeat(32)));
    assertThat(snp.idKeyDigest()).hasSize(1);
    assertThat(snp.authorKeyDigest()).hasSize(1);
    assertThat(snp.minGuestSvn()).hasValue(4);
    assertThat(snp.vmpl()).hasValue(0);
    assertThat(snp.minTcb()).contains(new SnpTcb(3, 0, 8, 115, 0));
    assertThat(snp.allowDebug()).isTrue();
    assertThat(snp.allowMigrationAgent()).isTrue();
    assertThat(snp.requireCrl()).isTrue();
  }

  @Test
  void readsNitroPcrsAndDebug() throws Exception {
    AppraisalPolicy p =
        PolicyParser.parse(
            "[nitro]\npcr0 = [\"%s\"]\npcr8 = [\"%s\"]\nallow_debug = true\n"
                .formatted("11".repeat(48), "22".repeat(48)));

    assertThat(p.nitro().pcrs().get(0)).containsExactly(ByteString.fromHex("11".repeat(48)));
    assertThat(p.nitro().pcrs().get(8)).containsExactly(ByteString.fromHex("22".repeat(48)));
    assertThat(p.nitro().pcrs().get(1)).isEmpty();
    assertThat(p.nitro().allowDebug()).isTrue();
  }

  @Test
  void defaultsRefuseDebugAndMigrationAgent() {
    AppraisalPolicy d = AppraisalPolicy.defaults();
    assertThat(d.snp().allowDebug()).isFalse();
    assertThat(d.snp().allowMigrationAgent()).isFalse();
    assertThat(d.snp().requireCrl()).isFalse();
    assertThat(d.nitro().allowDebug()).isFalse();
  }

  @Test
  void typosAndWrongSizesAreErrors() {
    assertThatThrownBy(() -> PolicyParser.parse("[snp]\nmeasurements = []\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("unknown key 'measurements' in [snp]");
    assertThatThrownBy(() -> PolicyParser.parse("[snp]\nmin_tcb = { microcod = 1 }\n"))
        .hasMessageContaining("unknown key 'microcod' in snp.min_tcb");
    assertThatThrownBy(() -> PolicyParser.parse("[snp]\nmin_tcb = { snp = 256 }\n"))
        .hasMessageContaining("0 to 255");
    assertThatThrownBy(() -> PolicyParser.parse("[snp]\nvmpl = 4\n"))
        .hasMessageContaining("0 to 3");
    assertThatThrownBy(() -> PolicyParser.parse("[nitro]\npcr9 = []\n"))
        .hasMessageContaining("unknown key 'pcr9' in [nitro]");
    assertThatThrownBy(
            () -> PolicyParser.parse("[nitro]\npcr0 = [\"%s\"]\n".formatted("11".repeat(32))))
        .hasMessageContaining("expected 48 bytes");
  }
}
