package dev.mse.attestation.ratls;

/**
 * Every check an RA-TLS appraisal makes, beyond the quote's own (which are under {@link #QUOTE}).
 */
public enum RaTlsCheck {
  CERTIFICATE_FORMAT("the certificate's encoding"),
  CHAIN("the certificate chain"),
  KEY("the certificate's key"),
  SELF_SIGNATURE("the certificate's self-signature"),
  VALIDITY("the certificate's validity period"),
  EXTENSIONS("the RA-TLS extensions"),
  LEGACY_QUOTE("the legacy quote extension"),
  CLAIMS_FORMAT("the attestation claims"),
  PUBKEY_BINDING("the binding of the TLS key to the claims"),
  REPORT_DATA_BINDING("the binding of the claims to the quote"),
  DOMAIN_BINDING("the certificate's name"),
  EXPIRY_BINDING("the certificate's expiry"),
  COLLATERAL("the collateral"),
  QUOTE("the quote"),
  APP_ID("the app id"),
  PACKAGE("the app package"),
  CODE("the app code"),
  CONFIG("the deployment configuration"),
  NONCE("the nonce"),
  STATE("the enclave state"),
  TLS_MODE("who serves the TLS in the TEE"),
  HOSTNAME("the server name"),
  PIN("the pinned certificate");

  private final String subject;

  RaTlsCheck(String subject) {
    this.subject = subject;
  }

  /** What the check is about, for sentences such as "failed: the app package". */
  public String subject() {
    return subject;
  }
}
