package dev.mse.attestation.collateral;

/** The field names of the {@code mse-dcap-collateral/1} bundle, shared by its reader and writer. */
final class CollateralBundleFormat {
  static final String FORMAT = "mse-dcap-collateral/1";
  static final String FORMAT_PREFIX = "mse-dcap-collateral/";

  static final String F_FORMAT = "format";
  static final String F_FETCHED_AT = "fetched_at";
  static final String F_SOURCE = "source";
  static final String F_TCB_INFO = "tcb_info";
  static final String F_QE_IDENTITY = "qe_identity";
  static final String F_TCB_INFO_ISSUER_CHAIN = "tcb_info_issuer_chain";
  static final String F_QE_IDENTITY_ISSUER_CHAIN = "qe_identity_issuer_chain";
  static final String F_PCK_CRL = "pck_crl";
  static final String F_PCK_CRL_ISSUER_CHAIN = "pck_crl_issuer_chain";
  static final String F_ROOT_CA_CRL = "root_ca_crl";

  private CollateralBundleFormat() {}
}
