package dev.mse.attestation.quote;

import dev.mse.attestation.codec.ByteString;
import java.util.List;
import java.util.Optional;

/**
 * A TDX TD report: version 1.0 (584 bytes, quote v4 and v5 body type 2) or 1.5 (648 bytes, quote v5
 * body type 3, which adds TEE_TCB_SVN2 and MRSERVICETD).
 *
 * @param rtmrs RTMR0 to RTMR3
 */
public record TdReport(
    Version version,
    ByteString teeTcbSvn,
    ByteString mrSeam,
    ByteString mrSignerSeam,
    ByteString seamAttributes,
    ByteString tdAttributes,
    ByteString xfam,
    ByteString mrTd,
    ByteString mrConfigId,
    ByteString mrOwner,
    ByteString mrOwnerConfig,
    List<ByteString> rtmrs,
    ByteString reportData,
    Optional<ByteString> teeTcbSvn2,
    Optional<ByteString> mrServiceTd)
    implements ReportBody {

  public static final int SIZE_1_0 = 584;
  public static final int SIZE_1_5 = 648;

  public enum Version {
    TD_1_0,
    TD_1_5
  }

  public TdReport {
    rtmrs = List.copyOf(rtmrs);
  }

  /** TD_ATTRIBUTES.DEBUG (bit 0). */
  @Override
  public boolean debug() {
    return (tdAttributes.unsignedAt(0) & 0x01) != 0;
  }

  /** TD_ATTRIBUTES.SEPT_VE_DISABLE (bit 28): the TD cannot be tricked by EPT violation #VE. */
  public boolean septVeDisable() {
    return (tdAttributes.unsignedAt(3) & 0x10) != 0;
  }
}
