package dev.mse.operator.proxy;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.Collateral;
import dev.mse.attestation.collateral.CollateralBundleReader;
import dev.mse.attestation.collateral.CollateralFormatException;
import dev.mse.attestation.collateral.CollateralSource;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.quote.QuoteFormatException;
import dev.mse.attestation.ratls.FreshCollateral;
import dev.mse.attestation.ratls.RaTlsAppraisal;
import dev.mse.attestation.ratls.RaTlsCertificate;
import dev.mse.attestation.ratls.RaTlsExtensions;
import dev.mse.attestation.ratls.RaTlsFormatException;
import dev.mse.attestation.ratls.RaTlsOptions;
import dev.mse.attestation.ratls.RaTlsVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.Optional;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Asks a node's enclave port whether a certificate served at its app port holds a key of that
 * enclave: {@code GET /.well-known/mse/evidence?nonce=<random>&spki=<SHA-256 of the key>}. The
 * answer is trusted only when the fresh quote verifies under the policy, its report data is the
 * SHA-512 of the claims, and the claims carry the nonce just sent, the route's app id and
 * deployment config digest, and {@code pubkey-hash} = the served key. Whoever relays the answer
 * cannot forge it, so the proof does not rest on the transport; the transport is RA-TLS to the same
 * app anyway (the caller's context), so a wrong node is refused before it is asked.
 */
final class EnclaveEvidence {
  /** The largest evidence answer read (a quote with its collateral is tens of KiB). */
  static final int MAX_BYTES = 2 * 1024 * 1024;

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final AppraisalPolicy policy;
  private final RaTlsVerifier verifier;
  private final Clock clock;
  private final Duration timeout;
  private final Optional<CollateralSource> source;

  /**
   * @param source where collateral is fetched when the enclave sent none valid now (the operator's
   *     {@code pccs_url} through the shared cache), if anywhere
   */
  EnclaveEvidence(
      AppraisalPolicy policy, Clock clock, Duration timeout, Optional<CollateralSource> source) {
    this.policy = policy;
    this.source = source;
    this.verifier = RaTlsVerifier.standard();
    this.clock = clock;
    this.timeout = timeout;
  }

  /**
   * Returns normally when the enclave at {@code route.enclave()} vouches, just now, for the key of
   * {@code served}; throws a {@link CertificateException} saying why otherwise.
   *
   * @param transport a TLS client context for the enclave port
   */
  void check(Route route, SSLContext transport, X509Certificate served)
      throws CertificateException {
    try {
      served.checkValidity(Date.from(clock.instant()));
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      throw refused("the app's certificate is not valid now (" + e.getMessage() + ")");
    }
    byte[] nonceBytes = new byte[32];
    RANDOM.nextBytes(nonceBytes);
    ByteString nonce = ByteString.of(nonceBytes);
    ByteString spki = RaTlsCertificate.pubkeyHash(served.getPublicKey());
    JsonNode evidence = fetch(route.enclave(), transport, nonce, spki);
    byte[] claims;
    byte[] quote;
    try {
      claims = Base64.getDecoder().decode(evidence.path("claims").asString(""));
      quote = Base64.getDecoder().decode(evidence.path("quote").asString(""));
    } catch (IllegalArgumentException e) {
      throw refused("the enclave's evidence is not base64 claims and quote");
    }
    RaTlsAppraisal appraisal =
        verifier.verifyFresh(
            served,
            quote,
            claims,
            collateral(evidence, served, quote),
            policy,
            clock.instant(),
            RaTlsOptions.none()
                .withAppId(route.appId())
                .withConfigSha256(route.configSha256())
                .withNonce(nonce));
    if (!appraisal.accepted()) {
      throw refused("the enclave's fresh evidence does not vouch for it: " + appraisal.describe());
    }
  }

  private JsonNode fetch(
      InetSocketAddress enclave, SSLContext transport, ByteString nonce, ByteString spki)
      throws CertificateException {
    String host = enclave.getHostString();
    URI uri =
        URI.create(
            "https://"
                + (host.contains(":") ? "[" + host + "]" : host)
                + ":"
                + enclave.getPort()
                + "/.well-known/mse/evidence?nonce="
                + nonce.hex()
                + "&spki="
                + spki.hex());
    HttpsURLConnection c = null;
    try {
      // straight to the node: never through a proxy the JVM may be configured with
      c = (HttpsURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
      c.setInstanceFollowRedirects(false);
      c.setSSLSocketFactory(transport.getSocketFactory());
      // The enclave port is reached by address; its certificate names the app, which the
      // transport's RA-TLS trust manager checked: the URL's host has nothing more to say.
      c.setHostnameVerifier((name, session) -> true);
      c.setConnectTimeout(millis(timeout));
      c.setReadTimeout(millis(timeout));
      c.setUseCaches(false);
      int status = c.getResponseCode();
      if (status != 200) {
        throw refused("the enclave gave no evidence for the app's key (HTTP " + status + ")");
      }
      byte[] body;
      try (InputStream in = c.getInputStream()) {
        body = in.readNBytes(MAX_BYTES + 1);
      }
      if (body.length > MAX_BYTES) {
        throw refused("the enclave's evidence is larger than " + MAX_BYTES + " bytes");
      }
      JsonNode n = JSON.readTree(body);
      if (n == null || !n.isObject()) {
        throw refused("the enclave's evidence is not a JSON object");
      }
      return n;
    } catch (IOException | JacksonException e) {
      throw refused("the enclave's evidence cannot be fetched (" + e.getMessage() + ")");
    } finally {
      if (c != null) {
        c.disconnect();
      }
    }
  }

  /**
   * The collateral to appraise the fresh quote with ({@link FreshCollateral#choose}): none for an
   * SEV-SNP report; what the enclave sent (in its evidence, else in its certificate) when it is
   * valid now; else fetched from the PCCS ({@code pccs_url}) through the shared cache; else what it
   * sent, out of date, so that the refusal names the date.
   */
  private Optional<Collateral> collateral(JsonNode evidence, X509Certificate served, byte[] quote)
      throws CertificateException {
    Optional<Collateral> sent = Optional.empty();
    try {
      if (evidence.path("collateral").isString()) {
        sent =
            Optional.of(
                CollateralBundleReader.read(
                        ByteString.of(
                            evidence
                                .path("collateral")
                                .asString()
                                .getBytes(StandardCharsets.UTF_8)))
                    .collateral());
      } else {
        Optional<ByteString> endorsements = RaTlsExtensions.read(served).endorsements();
        if (endorsements.isPresent()) {
          sent = Optional.of(CollateralBundleReader.read(endorsements.get()).collateral());
        }
      }
    } catch (CollateralFormatException e) {
      throw refused("the enclave's collateral cannot be read: " + e.getMessage());
    } catch (RaTlsFormatException e) {
      // not an RA-TLS certificate: no endorsements to fall back on
    }
    try {
      return FreshCollateral.choose(quote, sent, source, clock.instant());
    } catch (IOException e) {
      throw refused(
          "no collateral for the enclave's quote (none sent, and fetching failed: "
              + e.getMessage()
              + ")");
    } catch (QuoteFormatException | CollateralFormatException e) {
      throw refused("the enclave's quote cannot be read: " + e.getMessage());
    }
  }

  private static CertificateException refused(String why) {
    return new CertificateException(why);
  }

  private static int millis(Duration d) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
  }
}
