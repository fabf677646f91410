package dev.mse.attestation.collateral;

import dev.mse.attestation.codec.ByteString;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Reads Phala's dcap-qvl {@code QuoteCollateralV3} JSON, the de-facto interchange format for DCAP
 * collateral. Its fields: {@code pck_crl_issuer_chain}, {@code tcb_info_issuer_chain}, {@code
 * qe_identity_issuer_chain} (PEM text); {@code root_ca_crl}, {@code pck_crl} (hex of DER); {@code
 * tcb_info}, {@code qe_identity} (the exact signed JSON text, as a string); {@code
 * tcb_info_signature}, {@code qe_identity_signature} (hex of raw r||s).
 *
 * <p>It is exactly as liberal as dcap-qvl: hex in either case, nothing else for the byte fields;
 * unknown fields (such as dcap-qvl's newer optional {@code pck_certificate_chain}) are ignored. The
 * signed texts are validated by parsing them, so that a broken file fails here and not later.
 */
public final class DcapQvlCollateralReader {
  private DcapQvlCollateralReader() {}

  public static Collateral read(ByteString json) throws CollateralFormatException {
    return read(CollateralJson.readObject(json, "collateral"));
  }

  /** True when {@code fields} look like dcap-qvl's format; used to detect the format of a file. */
  static boolean recognizes(JsonFields fields) {
    return fields.has("tcb_info") || fields.has("tcb_info_signature") || fields.has("qe_identity");
  }

  static Collateral read(JsonFields root) throws CollateralFormatException {
    SignedJson tcbInfo =
        new SignedJson(
            text(root, "tcb_info"),
            PcsResponseReader.signature(
                root.string("tcb_info_signature"), root.path("tcb_info_signature")));
    TcbInfoParser.parse(tcbInfo.body());
    SignedJson qeIdentity =
        new SignedJson(
            text(root, "qe_identity"),
            PcsResponseReader.signature(
                root.string("qe_identity_signature"), root.path("qe_identity_signature")));
    QeIdentityParser.parse(qeIdentity.body());
    return new Collateral(
        chain(root, "pck_crl_issuer_chain"),
        CrlReader.hex(root.string("root_ca_crl"), root.path("root_ca_crl")),
        CrlReader.hex(root.string("pck_crl"), root.path("pck_crl")),
        chain(root, "tcb_info_issuer_chain"),
        tcbInfo,
        chain(root, "qe_identity_issuer_chain"),
        qeIdentity);
  }

  /** A signed document carried as a JSON string: its UTF-8 bytes are what Intel signed. */
  private static ByteString text(JsonFields root, String name) throws CollateralFormatException {
    return ByteString.of(root.string(name).getBytes(StandardCharsets.UTF_8));
  }

  private static List<X509Certificate> chain(JsonFields root, String name)
      throws CollateralFormatException {
    return CertificateChainReader.read(
        ByteString.of(root.string(name).getBytes(StandardCharsets.UTF_8)), root.path(name));
  }
}
