package dev.mse.attestation.ratls;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.policy.AppraisalPolicy;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a TLS server if and only if its certificate is an RA-TLS certificate that {@link
 * RaTlsVerifier} accepts under a policy and expectations, and that names the server the client
 * asked for. Any Java TLS client can use it (see {@link RaTlsSslContexts}).
 *
 * <p>The JDK does not check host names for a custom {@link X509ExtendedTrustManager}, so this one
 * does: the SNI host name the client sent (else the peer host) must be in the certificate's
 * subjectAltName. Without a host to compare (the socket-less methods), it refuses, unless a server
 * name was configured. In pinning mode it additionally accepts only the certificate with the given
 * SHA-256 fingerprint: "the certificate I verified a moment ago", for provisioning. It verifies
 * servers only; client authentication is refused.
 */
public final class RaTlsTrustManager extends X509ExtendedTrustManager {
  private final RaTlsVerifier verifier;
  private final AppraisalPolicy policy;
  private final RaTlsOptions options;
  private final Clock clock;
  private final Optional<ByteString> pin;
  private final Optional<String> serverName;
  private final Consumer<RaTlsAppraisal> refusals;

  private RaTlsTrustManager(Builder b) {
    this.verifier = b.verifier;
    this.policy = b.policy;
    this.options = b.options;
    this.clock = b.clock;
    this.pin = b.pin;
    this.serverName = b.serverName;
    this.refusals = b.refusals;
  }

  public static Builder builder(AppraisalPolicy policy) {
    return new Builder(policy);
  }

  /** Configuration; only the policy is required. */
  public static final class Builder {
    private final AppraisalPolicy policy;
    private RaTlsVerifier verifier = RaTlsVerifier.standard();
    private RaTlsOptions options = RaTlsOptions.none();
    private Clock clock = Clock.systemUTC();
    private Optional<ByteString> pin = Optional.empty();
    private Optional<String> serverName = Optional.empty();
    private Consumer<RaTlsAppraisal> refusals = a -> {};

    private Builder(AppraisalPolicy policy) {
      this.policy = policy;
    }

    public Builder verifier(RaTlsVerifier value) {
      this.verifier = value;
      return this;
    }

    /** Expected claims and collateral source. */
    public Builder options(RaTlsOptions value) {
      this.options = value;
      return this;
    }

    public Builder clock(Clock value) {
      this.clock = value;
      return this;
    }

    /** Accept only the certificate whose DER has this SHA-256 (it must still verify). */
    public Builder pin(ByteString sha256) {
      if (sha256.size() != 32) {
        throw new IllegalArgumentException("a certificate fingerprint is 32 bytes (SHA-256)");
      }
      this.pin = Optional.of(sha256);
      return this;
    }

    /**
     * The name the certificate must carry, instead of the connection's SNI or peer host: for
     * clients that connect to an address but expect a given app (such as the operator's proxy).
     */
    public Builder serverName(String name) {
      this.serverName = Optional.of(name);
      return this;
    }

    /**
     * Told every appraisal that refused a server, before the handshake fails: a TLS client sees
     * only an {@code SSLHandshakeException}, and a caller that must tell "refused for this reason"
     * from "not reachable" (the operator's node status client) learns it here.
     */
    public Builder onRefusal(Consumer<RaTlsAppraisal> listener) {
      this.refusals = listener;
      return this;
    }

    public RaTlsTrustManager build() {
      return new RaTlsTrustManager(this);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, engine == null ? null : engine.getHandshakeSession());
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, socket instanceof SSLSocket ssl ? ssl.getHandshakeSession() : null);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain, null);
  }

  private void check(X509Certificate[] chain, SSLSession session) throws CertificateException {
    if (chain == null || chain.length != 1) {
      throw refused(
          "an RA-TLS server presents exactly one self-signed certificate, not "
              + (chain == null ? 0 : chain.length));
    }
    X509Certificate leaf = chain[0];
    if (pin.isPresent() && !pin.get().equals(RaTlsCertificate.fingerprint(leaf))) {
      throw refused("the server's certificate is not the pinned one");
    }
    Optional<String> host = serverName.or(() -> requestedHost(session));
    if (host.isEmpty()) {
      throw refused("no server name to check the certificate against");
    }
    if (!HostnameCheck.matches(leaf, host.get())) {
      throw refused("the certificate does not name " + ClaimsCodec.printable(host.get()));
    }
    RaTlsAppraisal appraisal = verifier.verify(leaf, policy, clock.instant(), options);
    if (!appraisal.accepted()) {
      refusals.accept(appraisal);
      throw refused(appraisal.describe());
    }
  }

  /** The SNI host name the client sent, else the host it connected to. */
  private static Optional<String> requestedHost(SSLSession session) {
    if (session == null) {
      return Optional.empty();
    }
    if (session instanceof ExtendedSSLSession extended) {
      List<SNIServerName> names = extended.getRequestedServerNames();
      for (SNIServerName name : names) {
        if (name.getType() == StandardConstants.SNI_HOST_NAME
            && name instanceof SNIHostName hostName) {
          return Optional.of(hostName.getAsciiName());
        }
      }
    }
    return Optional.ofNullable(session.getPeerHost()).filter(h -> !h.isBlank());
  }

  private static CertificateException refused(String why) {
    return new CertificateException("RA-TLS verification refused the server: " + why);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw clientAuthRefused();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw clientAuthRefused();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw clientAuthRefused();
  }

  private static CertificateException clientAuthRefused() {
    return new CertificateException("the RA-TLS trust manager verifies servers, not clients");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
