package dev.mse.attestation.verify;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.TcbStatus;
import java.util.List;
import java.util.Optional;
import java.util.SequencedMap;

/**
 * The verifier's result: the verdict and everything it was based on.
 *
 * @param tcbStatus the converged Intel TCB status; empty when verification stopped before TCB
 *     evaluation
 * @param measurements named measurements (for SGX: mrenclave, mrsigner, isv_prod_id, isv_svn; for
 *     TDX: mrtd, rtmr0-3, mrseam, …) in a stable order
 * @param reasons every reason for rejection; empty if and only if the verdict is ACCEPTED
 */
public record Appraisal(
    Verdict verdict,
    TeeKind tee,
    Optional<TcbStatus> tcbStatus,
    List<String> advisoryIds,
    SequencedMap<String, String> measurements,
    Optional<ByteString> reportData,
    List<Reason> reasons) {

  public Appraisal {
    advisoryIds = List.copyOf(advisoryIds);
    measurements =
        java.util.Collections.unmodifiableSequencedMap(new java.util.LinkedHashMap<>(measurements));
    reasons = List.copyOf(reasons);
    if ((verdict == Verdict.ACCEPTED) != reasons.isEmpty()) {
      throw new IllegalArgumentException(
          "an accepted appraisal has no reasons, a rejected one has some");
    }
  }

  public boolean accepted() {
    return verdict == Verdict.ACCEPTED;
  }

  public boolean failed(Check check) {
    return reasons.stream().anyMatch(r -> r.check() == check);
  }
}
