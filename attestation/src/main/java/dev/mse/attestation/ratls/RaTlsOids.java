package dev.mse.attestation.ratls;

/**
 * The X.509 extensions of an mse RA-TLS certificate (see {@code docs/ratls.md}).
 *
 * <ul>
 *   <li>{@link #DICE_EVIDENCE}: TCG DICE {@code tcg-dice-conceptual-message-wrapper} (formerly
 *       {@code tcg-dice-tagged-evidence}), the evidence extension of the CCC "Interoperable RA-TLS"
 *       format; its value is {@link DiceEvidence}.
 *   <li>{@link #LEGACY_SGX_QUOTE}: the raw quote, as Cosmian MSE's {@code intel-sgx-ra} writes and
 *       reads it.
 *   <li>{@link #DICE_ENDORSEMENTS}: TCG DICE {@code tcg-dice-endorsement-manifest}; here the
 *       collateral as an {@code mse-dcap-collateral/1} bundle.
 * </ul>
 */
public final class RaTlsOids {
  public static final String DICE_EVIDENCE = "2.23.133.5.4.9";
  public static final String DICE_ENDORSEMENTS = "2.23.133.5.4.2";
  public static final String LEGACY_SGX_QUOTE = "1.2.840.113741.1337.6";

  private RaTlsOids() {}
}
