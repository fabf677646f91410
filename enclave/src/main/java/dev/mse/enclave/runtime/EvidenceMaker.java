package dev.mse.enclave.runtime;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.CollateralBundle;
import dev.mse.attestation.collateral.CollateralKeeper;
import dev.mse.attestation.quote.QuoteFormatException;
import dev.mse.attestation.ratls.AppTls;
import dev.mse.attestation.ratls.AttestationClaims;
import dev.mse.attestation.ratls.AttestationClaims.State;
import dev.mse.attestation.ratls.RaTlsCertificate;
import dev.mse.attestation.ratls.SslOrigin;
import dev.mse.enclave.tee.TeeBackend;
import dev.mse.enclave.tee.TeeException;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the runtime's evidence: claims about what it runs, a quote that binds them, and the RA-TLS
 * certificate that carries both (with the collateral, when the TEE can give it).
 */
final class EvidenceMaker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EvidenceMaker.class);

  /** What stays the same for the life of the runtime. */
  record Identity(
      UUID appId,
      ByteString packageSha256,
      ByteString configSha256,
      SslOrigin sslOrigin,
      AppTls tls,
      String domain,
      Instant expires,
      ByteString hpkePublicKey,
      String runtimeVersion,
      Optional<String> subject) {}

  private final TeeBackend tee;
  private final Identity identity;
  private final Optional<CollateralKeeper> keeper;

  /** With a PCCS, the collateral comes from there as on hardware, whatever the TEE. */
  EvidenceMaker(TeeBackend tee, Identity identity, Optional<URI> pccs, Path cacheDir)
      throws TeeException, QuoteFormatException {
    this.tee = tee;
    this.identity = identity;
    this.keeper =
        pccs.isEmpty()
            ? Optional.empty()
            : Optional.of(
                CollateralKeeper.start(
                    pccs.get(), cacheDir, tee.quote(ByteString.of(new byte[64])), LOG::warn));
  }

  AttestationClaims claims(
      PublicKey tlsKey, State state, Optional<ByteString> codeSha256, Optional<ByteString> nonce) {
    return new AttestationClaims(
        RaTlsCertificate.pubkeyHash(tlsKey),
        nonce,
        identity.appId(),
        identity.packageSha256(),
        codeSha256,
        identity.configSha256(),
        identity.sslOrigin(),
        identity.tls(),
        identity.domain(),
        identity.expires(),
        identity.hpkePublicKey(),
        identity.runtimeVersion(),
        state);
  }

  ByteString quote(AttestationClaims claims) throws TeeException {
    return ByteString.of(tee.quote(claims.reportData()));
  }

  /** The RA-TLS certificate of {@code tlsKey}, over the claims of a waiting enclave. */
  X509Certificate certificate(KeyPair tlsKey) throws TeeException {
    AttestationClaims claims =
        claims(tlsKey.getPublic(), State.WAITING, Optional.empty(), Optional.empty());
    var builder = RaTlsCertificate.builder(tlsKey, claims, quote(claims));
    identity.subject().ifPresent(builder::subject);
    collateral().ifPresent(builder::endorsements);
    return builder.build();
  }

  Optional<CollateralBundle> collateral() {
    if (keeper.isPresent()) {
      return keeper.get().current();
    }
    return tee.collateral()
        .map(c -> new CollateralBundle(c, Instant.now(), Optional.of("mse simulated TEE")));
  }

  @Override
  public void close() {
    keeper.ifPresent(CollateralKeeper::close);
  }
}
