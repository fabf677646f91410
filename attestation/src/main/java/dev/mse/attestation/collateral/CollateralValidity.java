package dev.mse.attestation.collateral;

import java.security.cert.X509CRL;
import java.time.Instant;

/**
 * Whether collateral is current at a given time: TCB Info, QE Identity and both CRLs issued at or
 * before it and not past their next update. Verifiers use it to choose between the collateral a
 * piece of evidence carries and a fresh fetch; it decides no trust (the verifier still checks every
 * signature and date), so a wrong answer here can only cost a fetch or a refusal.
 */
public final class CollateralValidity {
  private CollateralValidity() {}

  public static boolean validAt(Collateral c, Instant at) {
    try {
      TcbInfo tcb = TcbInfoParser.parse(c.tcbInfo().body());
      QeIdentity qe = QeIdentityParser.parse(c.qeIdentity().body());
      return within(tcb.issueDate(), tcb.nextUpdate(), at)
          && within(qe.issueDate(), qe.nextUpdate(), at)
          && current(c.pckCrl(), at)
          && current(c.rootCaCrl(), at);
    } catch (CollateralFormatException e) {
      return false;
    }
  }

  /** The earliest next update of the four dated parts: when the collateral must be refreshed. */
  public static Instant nextUpdate(Collateral c) throws CollateralFormatException {
    Instant next = TcbInfoParser.parse(c.tcbInfo().body()).nextUpdate();
    next = min(next, QeIdentityParser.parse(c.qeIdentity().body()).nextUpdate());
    next = min(next, crlNext(c.pckCrl()));
    return min(next, crlNext(c.rootCaCrl()));
  }

  private static boolean current(X509CRL crl, Instant at) {
    return crl.getNextUpdate() != null
        && within(crl.getThisUpdate().toInstant(), crl.getNextUpdate().toInstant(), at);
  }

  private static Instant crlNext(X509CRL crl) {
    return crl.getNextUpdate() == null ? Instant.EPOCH : crl.getNextUpdate().toInstant();
  }

  private static boolean within(Instant from, Instant until, Instant at) {
    return !at.isBefore(from) && !at.isAfter(until);
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
