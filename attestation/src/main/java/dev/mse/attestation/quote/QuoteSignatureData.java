package dev.mse.attestation.quote;

import dev.mse.attestation.codec.ByteString;

/**
 * The ECDSA-P256 quote signature data, the same for v3 and v4/v5 once the v4 wrapper (certification
 * data type 6) is opened.
 *
 * @param signature raw r||s over the header and body
 * @param attestationKey the 64-byte raw P-256 point (x||y) that signed the quote
 * @param qeReport the Quoting Enclave's report, whose report data binds the attestation key
 * @param qeReportSignature raw r||s by the PCK key over the QE report
 * @param certification the innermost certification data (type 5 in every real quote)
 * @param outerCertificationType 5 for v3 quotes, 6 for v4/v5
 */
public record QuoteSignatureData(
    ByteString signature,
    ByteString attestationKey,
    EnclaveReport qeReport,
    ByteString qeReportSignature,
    ByteString qeAuthData,
    CertificationData certification,
    int outerCertificationType) {}
