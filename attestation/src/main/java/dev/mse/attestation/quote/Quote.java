package dev.mse.attestation.quote;

import dev.mse.attestation.codec.ByteString;

/**
 * A parsed Intel DCAP quote (v3 SGX, v4 and v5 TDX).
 *
 * @param signedRegion header and body exactly as signed (for v5 including the body descriptor)
 * @param length the length of the quote structure; input bytes after it are ignored
 */
public record Quote(
    QuoteHeader header,
    ReportBody body,
    QuoteSignatureData signatureData,
    ByteString signedRegion,
    int length) {

  public boolean isTdx() {
    return body instanceof TdReport;
  }
}
