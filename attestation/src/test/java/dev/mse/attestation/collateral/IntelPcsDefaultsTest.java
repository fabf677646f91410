package dev.mse.attestation.collateral;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.codec.ByteString;
import org.junit.jupiter.api.Test;

class IntelPcsDefaultsTest {
  @Test
  void shipsTheIntelRootWithItsPublishedFingerprint() throws Exception {
    assertThat(ByteString.of(IntelPcsDefaults.rootCa().getEncoded()).sha256().hex())
        .isEqualTo("44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3");
  }

  @Test
  void shipsThe2025TcbSigningCertificateIssuedByTheRoot() throws Exception {
    var signing = IntelPcsDefaults.tcbSigningCertificate();

    assertThat(ByteString.of(signing.getEncoded()).sha256().hex())
        .isEqualTo("c0575e76d0303b61d09cde8cbdb70db34a74f38318300d7c0e6ba8cf4bf45aea");
    assertThat(signing.getNotAfter().toInstant().toString()).isEqualTo("2032-05-06T09:25:00Z");
    signing.verify(IntelPcsDefaults.rootCa().getPublicKey());
    assertThat(IntelPcsDefaults.tcbSigningChain())
        .containsExactly(signing, IntelPcsDefaults.rootCa());
  }

  @Test
  void theDefaultChainIsTheOneThatCameWithTheAutomataCollateral() throws Exception {
    assertThat(IntelPcsDefaults.tcbSigningChain())
        .isEqualTo(
            CollateralSets.chain(
                "tdx/automata/common/intel_sgx_tcb_signing.der",
                "roots/intel/Intel_SGX_Root_CA.der"));
  }
}
