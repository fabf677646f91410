package dev.mse.attestation.verify;

import java.util.Locale;

/**
 * Every check the verifier makes. The names of the cryptographic and collateral checks follow the
 * check names of the shared test vectors (EXPECTED.json), so that a failing check can be traced to
 * the mutation that caused it.
 */
public enum Check {
  QUOTE_FORMAT("the quote's structure"),
  QE_VENDOR_ID_IS_INTEL("the quoting enclave vendor"),
  ATTESTATION_KEY("the attestation key"),
  QUOTE_SIGNATURE("the quote signature"),
  QE_REPORT_DATA_BINDING("the QE report's binding of the attestation key"),
  QE_REPORT_SIGNATURE("the QE report signature"),
  PCK_CHAIN_FORMAT("the PCK certificate chain's format"),
  QUOTE_EMBEDDED_ROOT_EQUALS_TRUSTED_ROOT("the PCK chain's root"),
  PCK_LEAF_ISSUED_BY_INTERMEDIATE("the PCK certificate's signature"),
  PCK_INTERMEDIATE_ISSUED_BY_ROOT("the PCK CA certificate's signature"),
  PCK_EXTENSIONS("the PCK certificate's SGX extensions"),
  COLLATERAL_FORMAT("the collateral's format"),
  ROOT_CRL_SIGNED_BY_ROOT("the root CA CRL"),
  INTERMEDIATE_NOT_REVOKED("the PCK CA's revocation status"),
  PCK_CRL_ISSUER_MATCHES("the PCK CRL issuer"),
  PCK_CRL_SIGNED_BY_INTERMEDIATE("the PCK CRL signature"),
  PCK_CRL_ISSUER_CHAIN_CONTAINS_INTERMEDIATE("the PCK CRL issuer chain"),
  PCK_LEAF_NOT_REVOKED("the PCK certificate's revocation status"),
  TCB_SIGNING_CERT_ISSUED_BY_ROOT("the TCB Info signing certificate"),
  TCB_SIGNING_CERT_NOT_REVOKED("the TCB Info signing certificate's revocation status"),
  TCB_INFO_SIGNATURE("the TCB Info signature"),
  TCB_INFO_MATCHES_QUOTE("the TCB Info's TEE type and version"),
  FMSPC_MATCHES("the TCB Info FMSPC"),
  PCEID_MATCHES("the TCB Info PCE ID"),
  QE_IDENTITY_SIGNING_CERT_ISSUED_BY_ROOT("the QE Identity signing certificate"),
  QE_IDENTITY_SIGNING_CERT_NOT_REVOKED("the QE Identity signing certificate's revocation status"),
  QE_IDENTITY_SIGNATURE("the QE Identity signature"),
  QE_IDENTITY_MATCH("the quoting enclave's identity"),
  TDX_MODULE_MATCH("the TDX module's identity"),
  PCK_LEAF_VALIDITY("the PCK certificate's validity period"),
  PCK_INTERMEDIATE_VALIDITY("the PCK CA certificate's validity period"),
  ROOT_VALIDITY("the root CA certificate's validity period"),
  PCK_CRL_VALIDITY("the PCK CRL's validity period"),
  ROOT_CRL_VALIDITY("the root CA CRL's validity period"),
  TCB_SIGNING_CERT_VALIDITY("the TCB Info signing certificate's validity period"),
  TCB_INFO_VALIDITY("the TCB Info's validity period"),
  QE_IDENTITY_SIGNING_CERT_VALIDITY("the QE Identity signing certificate's validity period"),
  QE_IDENTITY_VALIDITY("the QE Identity's validity period"),
  TCB_LEVEL("the platform's TCB level"),
  // AWS Nitro Enclaves attestation documents.
  NITRO_DOCUMENT_FORMAT("the attestation document's structure"),
  NITRO_ROOT("the attestation document's root certificate"),
  NITRO_CHAIN("the attestation document's certificate chain"),
  NITRO_CHAIN_VALIDITY("the validity periods of the attestation document's certificates"),
  COSE_SIGNATURE("the attestation document's signature"),
  // AMD SEV-SNP attestation reports.
  SNP_REPORT_FORMAT("the SEV-SNP report's structure"),
  VEK_FORMAT("the VCEK/VLEK certificate"),
  AMD_ROOT("the AMD root key (ARK)"),
  VEK_CHAIN("the VCEK/VLEK certificate chain"),
  VEK_CHAIN_VALIDITY("the validity periods of the VCEK/VLEK chain"),
  VEK_REVOKED("the AMD certificates' revocation status"),
  VEK_TCB_MATCHES("the reported TCB against the VCEK/VLEK"),
  CHIP_ID_MATCHES("the chip id against the VCEK"),
  SNP_REPORT_SIGNATURE("the SEV-SNP report signature"),
  // Policy checks: the evidence is genuine, but is it what the verifier accepts?
  SIMULATION("the TEE's reality"),
  TCB_STATUS("the TCB status"),
  ADVISORIES("the security advisories"),
  DEBUG("the debug mode"),
  SEPT_VE_DISABLE("the TD's SEPT_VE_DISABLE attribute"),
  MEASUREMENT("the measurements"),
  REPORT_DATA_BINDING("the report data binding"),
  USER_DATA_BINDING("the user data binding"),
  NONCE_BINDING("the nonce binding"),
  PUBLIC_KEY_BINDING("the public key binding"),
  SNP_VMPL("the guest's VMPL"),
  SNP_GUEST_SVN("the guest SVN"),
  SNP_TCB("the platform's minimum TCB"),
  SNP_MIGRATION_AGENT("the migration agent"),
  REVOCATION_CHECKED("the revocation check");

  private final String subject;

  Check(String subject) {
    this.subject = subject;
  }

  /** What the check is about, for sentences such as "failed: the quote signature". */
  public String subject() {
    return subject;
  }

  /** Snake-case identifier, as in the test vectors and the JSON output. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
