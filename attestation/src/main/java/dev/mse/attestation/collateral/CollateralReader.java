package dev.mse.attestation.collateral;

import dev.mse.attestation.codec.ByteString;

/**
 * Reads a collateral file in either format a user may hold: mse's bundle ({@code
 * mse-dcap-collateral/1}) or dcap-qvl's {@code QuoteCollateralV3} JSON. The format is recognised by
 * its fields ({@code format} for a bundle, {@code tcb_info} / {@code *_signature} for dcap-qvl), so
 * one command-line option takes both.
 */
public final class CollateralReader {
  private CollateralReader() {}

  public static Collateral read(ByteString json) throws CollateralFormatException {
    JsonFields root = CollateralJson.readObject(json, "collateral");
    if (root.has(CollateralBundleFormat.F_FORMAT)) {
      return CollateralBundleReader.read(root).collateral();
    }
    if (DcapQvlCollateralReader.recognizes(root)) {
      return DcapQvlCollateralReader.read(root);
    }
    if (root.has("tcbInfo") || root.has("enclaveIdentity")) {
      throw new CollateralFormatException(
          "collateral: this is a single Intel PCS response, not a collateral set; give the TCB"
              + " Info, QE identity and CRL files separately or make a bundle");
    }
    throw new CollateralFormatException(
        "collateral: unknown format; expected an mse bundle (\"format\": \""
            + CollateralBundleFormat.FORMAT
            + "\") or dcap-qvl QuoteCollateralV3 JSON");
  }
}
