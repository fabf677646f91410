package dev.mse.attestation.ratls;

import dev.mse.attestation.codec.ByteString;
import java.util.Optional;

/**
 * The attestation material an RA-TLS certificate carries, as read by {@link RaTlsExtensions}.
 *
 * @param evidence the DICE evidence: quote and encoded claims
 * @param legacyQuote the quote under the legacy OID, if present (must equal the DICE quote)
 * @param endorsements the collateral bundle bytes, if present
 */
public record RaTlsEvidence(
    DiceEvidence evidence, Optional<ByteString> legacyQuote, Optional<ByteString> endorsements) {}
