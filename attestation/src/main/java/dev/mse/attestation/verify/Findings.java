package dev.mse.attestation.verify;

import java.util.ArrayList;
import java.util.List;

/** The reasons collected while verifying; verification goes on after a failure to report all. */
final class Findings {
  private final List<Reason> reasons = new ArrayList<>();

  void fail(Check check, String message) {
    reasons.add(new Reason(check, message));
  }

  boolean failed(Check check) {
    return reasons.stream().anyMatch(r -> r.check() == check);
  }

  List<Reason> reasons() {
    return reasons;
  }
}
