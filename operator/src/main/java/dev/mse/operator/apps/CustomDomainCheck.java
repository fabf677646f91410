package dev.mse.operator.apps;

import dev.mse.attestation.codec.X509Codec;
import dev.mse.operator.OperatorException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Whether an owner may claim a custom domain: the certificate chain it deploys with must verify
 * against the operator's trust anchors (PKIX, at the time of the deployment) and its leaf must name
 * the domain in its subject alternative names. A public CA issued that certificate only to someone
 * who controls the domain, so the check proves control without a DNS round of our own. Revocation
 * is not checked (no network calls from the deploy path).
 */
final class CustomDomainCheck {
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String ANY_USAGE = "2.5.29.37.0";
  private static final int DNS_NAME = 2;

  private final Set<TrustAnchor> anchors;

  private CustomDomainCheck(Set<TrustAnchor> anchors) {
    if (anchors.isEmpty()) {
      throw new IllegalStateException("the custom domain trust anchors are empty");
    }
    this.anchors = Set.copyOf(anchors);
  }

  /** The anchors of a PEM file of CA certificates, or the JDK's default trust store. */
  static CustomDomainCheck load(Optional<Path> pemFile) {
    Set<TrustAnchor> anchors = new HashSet<>();
    try {
      if (pemFile.isPresent()) {
        for (X509Certificate ca : X509Codec.certificates(Files.readAllBytes(pemFile.get()))) {
          anchors.add(new TrustAnchor(ca, null));
        }
      } else {
        TrustManagerFactory tmf =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        for (var tm : tmf.getTrustManagers()) {
          if (tm instanceof X509TrustManager x) {
            for (X509Certificate ca : x.getAcceptedIssuers()) {
              anchors.add(new TrustAnchor(ca, null));
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the custom domain trust anchors", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot load the custom domain trust anchors", e);
    }
    return new CustomDomainCheck(anchors);
  }

  /** Refuses the claim unless {@code pemChain} is a trusted certificate for {@code domain}. */
  void check(String domain, String pemChain, Instant now) throws OperatorException {
    List<X509Certificate> chain;
    try {
      chain = X509Codec.certificates(pemChain.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    } catch (CertificateException | RuntimeException e) {
      throw refused(domain, "its certificate chain cannot be read");
    }
    if (chain.isEmpty()) {
      throw refused(domain, "its certificate chain is empty");
    }
    X509Certificate leaf = chain.getFirst();
    if (!names(leaf, domain)) {
      throw refused(domain, "the certificate's subject alternative names do not cover it");
    }
    if (!forServers(leaf)) {
      throw refused(domain, "the certificate is not for TLS servers (extended key usage)");
    }
    List<X509Certificate> path = new ArrayList<>(chain);
    // a chain may end with its root; PKIX wants the path without the anchor
    while (path.size() > 1 && isAnchor(path.getLast())) {
      path.removeLast();
    }
    try {
      PKIXParameters parameters = new PKIXParameters(anchors);
      parameters.setRevocationEnabled(false);
      parameters.setDate(Date.from(now));
      CertPathValidator.getInstance("PKIX")
          .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
    } catch (GeneralSecurityException e) {
      throw refused(
          domain, "its certificate chain does not verify against the operator's trusted CAs");
    }
  }

  private boolean isAnchor(X509Certificate c) {
    return anchors.stream().anyMatch(a -> c.equals(a.getTrustedCert()));
  }

  /** True when a DNS name of the certificate is the domain or a wildcard covering one label. */
  static boolean names(X509Certificate leaf, String domain) {
    Collection<List<?>> alternatives;
    try {
      alternatives = leaf.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return false;
    }
    if (alternatives == null) {
      return false;
    }
    String d = domain.toLowerCase(Locale.ROOT);
    for (List<?> entry : alternatives) {
      if (entry.size() < 2
          || !Integer.valueOf(DNS_NAME).equals(entry.get(0))
          || !(entry.get(1) instanceof String name)) {
        continue;
      }
      String n = name.toLowerCase(Locale.ROOT);
      if (n.equals(d)) {
        return true;
      }
      // "*.example.com" covers "shop.example.com", not "example.com" nor "a.b.example.com"
      if (n.startsWith("*.") && n.indexOf('.', 2) > 0) {
        int dot = d.indexOf('.');
        if (dot > 0 && d.substring(dot + 1).equals(n.substring(2))) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean forServers(X509Certificate leaf) {
    try {
      List<String> usages = leaf.getExtendedKeyUsage();
      return usages == null || usages.contains(SERVER_AUTH) || usages.contains(ANY_USAGE);
    } catch (CertificateParsingException e) {
      return false;
    }
  }

  private static OperatorException refused(String domain, String why) {
    String shown = domain.length() > 64 ? domain.substring(0, 64) + "…" : domain;
    return OperatorException.badRequest(
        "domain_not_proven",
        "The custom domain "
            + shown
            + " cannot be claimed: "
            + why
            + ". Deploy with a certificate for it from a CA this operator trusts.");
  }
}
