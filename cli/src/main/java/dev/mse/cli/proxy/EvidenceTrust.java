package dev.mse.cli.proxy;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.ratls.RaTlsCertificate;
import dev.mse.cli.UserError;
import dev.mse.cli.cloud.AppVerifier;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The proxy's only trust decision for the app's port: the certificate served there is trusted when
 * fresh evidence from the app's enclave names its key and verifies as {@code mse cloud verify}
 * would ({@link AppVerifier}). A positive verdict is reused for a short time, per certificate;
 * after that the next new connection asks the enclave again. Refusals are not remembered, so an
 * enclave that recovers is trusted again at the next connection, and one that stops verifying is
 * refused at once once its verdict expires.
 *
 * <p>As a trust manager it decides full handshakes; {@link #confirm} decides every handshake,
 * resumed ones included (a resumed session skips the trust manager).
 */
final class EvidenceTrust extends X509ExtendedTrustManager {
  private final AppVerifier verifier;
  private final Duration lifetime;
  private final Clock clock;
  private final Consumer<String> log;
  private final AtomicReference<Verdict> verdict = new AtomicReference<>();
  private final AtomicReference<String> lastRefusal = new AtomicReference<>();

  /** The certificate (by SHA-256) that fresh evidence vouched for, until when. */
  private record Verdict(ByteString certificateSha256, Instant until) {}

  /** Thrown when the app's certificate is not vouched for; its message is the reason. */
  static final class Refused extends CertificateException {
    private static final long serialVersionUID = 1L;

    Refused(String reason) {
      super(reason);
    }
  }

  /**
   * @param lifetime how long a verified certificate is trusted without asking again
   * @param log where each verification's outcome is told (one line)
   */
  EvidenceTrust(AppVerifier verifier, Duration lifetime, Clock clock, Consumer<String> log) {
    this.verifier = verifier;
    this.lifetime = lifetime;
    this.clock = clock;
    this.log = log;
  }

  /** Trusts {@code served} for the lifetime: the caller verified it just now. */
  void remember(X509Certificate served) {
    verdict.set(new Verdict(RaTlsCertificate.fingerprint(served), clock.instant().plus(lifetime)));
  }

  /** The reason of the last refusal, if any. */
  Optional<String> lastRefusal() {
    return Optional.ofNullable(lastRefusal.get());
  }

  /**
   * Checks the certificate of an established session, asking the enclave when its verdict is old.
   */
  void confirm(SSLSession session) throws SSLException {
    try {
      Certificate[] chain = session.getPeerCertificates();
      if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
        throw new SSLException("the app serves no X.509 certificate");
      }
      check(leaf);
    } catch (SSLPeerUnverifiedException e) {
      throw new SSLException("the app's certificate is unknown", e);
    } catch (CertificateException e) {
      throw new SSLException(e.getMessage(), e);
    }
  }

  /** Whether fresh evidence vouched for {@code served} within the lifetime; asks when not. */
  void check(X509Certificate served) throws Refused {
    ByteString sha = RaTlsCertificate.fingerprint(served);
    if (fresh(sha)) {
      return;
    }
    // One question to the enclave at a time: connections that arrive together while the verdict
    // is old wait for it rather than costing the enclave a quote each.
    synchronized (this) {
      if (fresh(sha)) {
        return;
      }
      StringWriter reasons = new StringWriter();
      String refusal;
      try (PrintWriter w = new PrintWriter(reasons)) {
        AppVerifier.Verified v = verifier.verify(served, w);
        if (v != null) {
          remember(served);
          lastRefusal.set(null);
          log.accept("verified again: fresh evidence vouches for the certificate served");
          return;
        }
        w.flush();
        refusal = reasons.toString().strip().replaceFirst("^mse: ", "");
      } catch (UserError e) {
        refusal = e.getMessage();
      } catch (RuntimeException e) {
        refusal = "the verification failed: " + e;
      }
      verdict.set(null);
      lastRefusal.set(refusal);
      log.accept("REFUSED, not forwarding: " + refusal.replace('\n', ' '));
      throw new Refused(refusal);
    }
  }

  private boolean fresh(ByteString sha) {
    Verdict v = verdict.get();
    return v != null && v.certificateSha256().equals(sha) && clock.instant().isBefore(v.until());
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkLeaf(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkLeaf(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    checkLeaf(chain);
  }

  private void checkLeaf(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new Refused("the app presented no certificate");
    }
    check(chain[0]);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("the proxy is a client only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("the proxy is a client only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("the proxy is a client only");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
