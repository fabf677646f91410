package dev.mse.attestation.verify;

import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * What an SEV-SNP report is checked with: the VCEK or VLEK that signed it (from the host, a file or
 * AMD's KDS) and, if one was obtained, AMD's CRL for the product (signed by the ARK). The ASK, ASVK
 * and ARK are never taken from here: they are pinned.
 */
public record SnpEndorsements(X509Certificate vek, Optional<X509CRL> crl) {}
