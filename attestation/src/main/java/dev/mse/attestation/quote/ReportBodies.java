package dev.mse.attestation.quote;

import dev.mse.attestation.codec.ByteReader;
import dev.mse.attestation.codec.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Field layouts of the fixed-size reports. The caller has already cut out exactly the report's
 * bytes, so a read past the end here would be a layout bug, not bad input: that is why it surfaces
 * as an {@link IllegalStateException} rather than a format error.
 */
final class ReportBodies {
  private static final int RTMR_COUNT = 4;
  private static final int MEASUREMENT_384 = 48;

  private ReportBodies() {}

  /** The SGX REPORT_BODY layout (Intel SGX developer reference, "REPORT"). */
  static EnclaveReport enclaveReport(ByteString raw) {
    ByteReader f = new ByteReader(raw.toByteArray());
    try {
      ByteString cpuSvn = f.bytes("CPUSVN", 16);
      long miscSelect = f.u32("MISCSELECT");
      f.skip("reserved", 28);
      ByteString attributes = f.bytes("ATTRIBUTES", 16);
      ByteString mrEnclave = f.bytes("MRENCLAVE", 32);
      f.skip("reserved", 32);
      ByteString mrSigner = f.bytes("MRSIGNER", 32);
      f.skip("reserved", 96);
      int isvProdId = f.u16("ISVPRODID");
      int isvSvn = f.u16("ISVSVN");
      f.skip("reserved", 60);
      ByteString reportData = f.bytes("REPORTDATA", 64);
      return new EnclaveReport(
          cpuSvn, miscSelect, attributes, mrEnclave, mrSigner, isvProdId, isvSvn, reportData, raw);
    } catch (ByteReader.TruncatedException e) {
      throw new IllegalStateException("enclave report layout exceeds its size", e);
    }
  }

  /** The TDX TDREPORT layout as quoted (TD 1.0, and TD 1.5 which appends two fields). */
  static TdReport tdReport(ByteString raw, TdReport.Version version) {
    ByteReader f = new ByteReader(raw.toByteArray());
    try {
      ByteString teeTcbSvn = f.bytes("TEE_TCB_SVN", 16);
      ByteString mrSeam = f.bytes("MRSEAM", MEASUREMENT_384);
      ByteString mrSignerSeam = f.bytes("MRSIGNERSEAM", MEASUREMENT_384);
      ByteString seamAttributes = f.bytes("SEAMATTRIBUTES", 8);
      ByteString tdAttributes = f.bytes("TDATTRIBUTES", 8);
      ByteString xfam = f.bytes("XFAM", 8);
      ByteString mrTd = f.bytes("MRTD", MEASUREMENT_384);
      ByteString mrConfigId = f.bytes("MRCONFIGID", MEASUREMENT_384);
      ByteString mrOwner = f.bytes("MROWNER", MEASUREMENT_384);
      ByteString mrOwnerConfig = f.bytes("MROWNERCONFIG", MEASUREMENT_384);
      List<ByteString> rtmrs = new ArrayList<>(RTMR_COUNT);
      for (int i = 0; i < RTMR_COUNT; i++) {
        rtmrs.add(f.bytes("RTMR" + i, MEASUREMENT_384));
      }
      ByteString reportData = f.bytes("REPORTDATA", 64);
      Optional<ByteString> teeTcbSvn2 = Optional.empty();
      Optional<ByteString> mrServiceTd = Optional.empty();
      if (version == TdReport.Version.TD_1_5) {
        teeTcbSvn2 = Optional.of(f.bytes("TEE_TCB_SVN2", 16));
        mrServiceTd = Optional.of(f.bytes("MRSERVICETD", MEASUREMENT_384));
      }
      return new TdReport(
          version,
          teeTcbSvn,
          mrSeam,
          mrSignerSeam,
          seamAttributes,
          tdAttributes,
          xfam,
          mrTd,
          mrConfigId,
          mrOwner,
          mrOwnerConfig,
          rtmrs,
          reportData,
          teeTcbSvn2,
          mrServiceTd);
    } catch (ByteReader.TruncatedException e) {
      throw new IllegalStateException("TD report layout exceeds its size", e);
    }
  }

  static int size(TdReport.Version version) {
    return version == TdReport.Version.TD_1_0 ? TdReport.SIZE_1_0 : TdReport.SIZE_1_5;
  }
}
