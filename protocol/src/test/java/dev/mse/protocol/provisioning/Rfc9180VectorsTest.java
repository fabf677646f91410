package dev.mse.protocol.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.hpke.HPKEContext;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.junit.jupiter.api.Test;

/**
 * RFC 9180 Appendix A.2.3: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305, auth mode.
 * RFC 9180 has no X25519 vector with AES-256-GCM, the AEAD we use; this one pins, in BouncyCastle's
 * HPKE, the parts our suite shares with it: DeriveKeyPair, the auth-mode KEM (AuthDecap with the
 * sender's static key), the key schedule, the nonce sequence and the exporter. AES-256-GCM itself
 * is exercised by the round-trip and tamper tests of {@link ProvisioningSealTest}.
 */
class Rfc9180VectorsTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] h(String hex) {
    return HEX.parseHex(hex);
  }

  private static final byte[] INFO = h("4f6465206f6e2061204772656369616e2055726e");
  private static final String SEED_R =
      "64835d5ee64aa7aad57c6f2e4f758f7696617f8829e70bc9ac7a5ef95d1c756c";
  private static final String SEED_S =
      "9d8f94537d5a3ddef71234c0baedfad4ca6861634d0b94c3007fed557ad17df6";
  private static final String SK_R =
      "3ca22a6d1cda1bb9480949ec5329d3bf0b080ca4c45879c95eddb55c70b80b82";
  private static final String SK_S =
      "2def0cb58ffcf83d1062dd085c8aceca7f4c0c3fd05912d847b61f3e54121f05";
  private static final String PK_R =
      "1a478716d63cb2e16786ee93004486dc151e988b34b475043d3e0175bdb01c44";
  private static final String PK_S =
      "f0f4f9e96c54aeed3f323de8534fffd7e0577e4ce269896716bcb95643c8712b";
  private static final byte[] ENC =
      h("f7674cc8cd7baa5872d1f33dbaffe3314239f6197ddf5ded1746760bfc847e0e");
  private static final byte[] PLAINTEXT =
      h("4265617574792069732074727574682c20747275746820626561757479");
  private static final String[][] ENCRYPTIONS = {
    {
      "436f756e742d30",
      "ab1a13c9d4f01a87ec3440dbd756e2677bd2ecf9df0ce7ed73869b98e00c09be111cb9fdf077347aeb88e61bdf"
    },
    {
      "436f756e742d31",
      "3265c7807ffff7fdace21659a2c6ccffee52a26d270c76468ed74202a65478bfaedfff9c2b7634e24f10b71016"
    },
    {
      "436f756e742d32",
      "3aadee86ad2a05081ea860033a9d09dbccb4acac2ded0891da40f51d4df19925f7a767b076a5cbc9355c8fd35e"
    },
  };

  private static HPKE suite() {
    return new HPKE(
        HPKE.mode_auth, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256, HPKE.aead_CHACHA20_POLY1305);
  }

  private static String clamped(String scalar) {
    byte[] k = h(scalar);
    k[0] &= (byte) 248;
    k[31] &= 127;
    k[31] |= 64;
    return HEX.formatHex(k);
  }

  @Test
  void deriveKeyPairMatches() {
    HPKE hpke = suite();
    AsymmetricCipherKeyPair r = hpke.deriveKeyPair(h(SEED_R));
    AsymmetricCipherKeyPair s = hpke.deriveKeyPair(h(SEED_S));
    // BouncyCastle serializes the clamped scalar (RFC 7748 decodeScalar25519); same key
    assertThat(HEX.formatHex(hpke.serializePrivateKey(r.getPrivate()))).isEqualTo(clamped(SK_R));
    assertThat(HEX.formatHex(hpke.serializePublicKey(r.getPublic()))).isEqualTo(PK_R);
    assertThat(HEX.formatHex(hpke.serializePrivateKey(s.getPrivate()))).isEqualTo(clamped(SK_S));
    assertThat(HEX.formatHex(hpke.serializePublicKey(s.getPublic()))).isEqualTo(PK_S);
    // our key type derives the same public key from the private key
    assertThat(X25519KeyPair.fromPrivateKey(h(SK_R)).publicKey().bytes().hex()).isEqualTo(PK_R);
  }

  @Test
  void authModeOpenMatches() throws Exception {
    HPKE hpke = suite();
    AsymmetricCipherKeyPair skR = hpke.deserializePrivateKey(h(SK_R), h(PK_R));
    AsymmetricKeyParameter pkS = hpke.deserializePublicKey(h(PK_S));
    byte[] single =
        hpke.open(ENC, skR, INFO, h(ENCRYPTIONS[0][0]), h(ENCRYPTIONS[0][1]), null, null, pkS);
    assertThat(single).isEqualTo(PLAINTEXT);

    HPKEContext context = hpke.setupAuthR(ENC, skR, INFO, pkS);
    for (String[] e : ENCRYPTIONS) {
      assertThat(context.open(h(e[0]), h(e[1]))).isEqualTo(PLAINTEXT);
    }
    HPKEContext again = hpke.setupAuthR(ENC, skR, INFO, pkS);
    assertThat(HEX.formatHex(again.export(new byte[0], 32)))
        .isEqualTo("070cffafd89b67b7f0eeb800235303a223e6ff9d1e774dce8eac585c8688c872");
    assertThat(HEX.formatHex(again.export(h("00"), 32)))
        .isEqualTo("2852e728568d40ddb0edde284d36a4359c56558bb2fb8837cd3d92e46a3a14a8");
  }
}
