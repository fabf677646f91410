package dev.mse.operator.testing;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.ratls.AppTls;
import dev.mse.attestation.ratls.SslOrigin;
import dev.mse.protocol.deploy.DeploymentConfig;
import dev.mse.protocol.pkg.AppPackage;
import dev.mse.protocol.pkg.PackageKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

/** Real deployment configs and encrypted packages, as the CLI makes them. */
public final class Deployments {
  private Deployments() {}

  /** A config and the package it names. */
  public record Deployment(DeploymentConfig config, byte[] packageBytes) {
    public byte[] configBytes() {
      return config.toCanonicalJson();
    }

    public UUID appId() {
      return config.appId();
    }
  }

  /**
   * An owner certificate chain (PEM) for {@code domain}, valid until {@code notAfter}, from the CA
   * the operator fixture trusts for custom domains.
   */
  public static String ownerChain(String domain, Instant notAfter) {
    return TestCa.SHARED.issue(domain, notAfter);
  }

  /** A self-signed certificate (PEM) naming {@code domain} in its SAN: proves nothing. */
  public static String selfSignedChain(String domain, Instant notAfter) throws Exception {
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
    g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    java.security.KeyPair key = g.generateKeyPair();
    org.bouncycastle.asn1.x500.X500Name name =
        new org.bouncycastle.asn1.x500.X500Name("CN=" + domain);
    var builder =
        new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(
            name,
            java.math.BigInteger.valueOf(System.nanoTime()),
            java.util.Date.from(Instant.now().minus(1, ChronoUnit.HOURS)),
            java.util.Date.from(notAfter),
            name,
            key.getPublic());
    builder.addExtension(
        org.bouncycastle.asn1.x509.Extension.subjectAlternativeName,
        false,
        new org.bouncycastle.asn1.x509.GeneralNames(
            new org.bouncycastle.asn1.x509.GeneralName(
                org.bouncycastle.asn1.x509.GeneralName.dNSName, domain)));
    var signer =
        new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA")
            .build(key.getPrivate());
    byte[] der = builder.build(signer).getEncoded();
    return "-----BEGIN CERTIFICATE-----\n"
        + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(der)
        + "\n-----END CERTIFICATE-----\n";
  }

  public static byte[] packageBytes(String name) {
    return AppPackage.create(
            name,
            "com.example.Main",
            Optional.empty(),
            "/health",
            ("code of " + name).getBytes(StandardCharsets.UTF_8),
            PackageKey.generate())
        .toBytes();
  }

  public static Deployment selfMode(String name, String appsDomain) {
    UUID id = UUID.randomUUID();
    return deployment(
        id,
        name,
        SslOrigin.SELF,
        id + "." + appsDomain,
        Instant.now().plus(30, ChronoUnit.DAYS),
        Optional.empty());
  }

  public static Deployment deployment(
      UUID id,
      String name,
      SslOrigin origin,
      String domain,
      Instant expires,
      Optional<String> ownerChain) {
    return deployment(
        id, name, origin, domain, expires, ownerChain, AppTls.APP, packageBytes(name));
  }

  /** A self-mode deployment of {@code pkg} whose TLS is terminated by {@code tls}. */
  public static Deployment selfMode(String appsDomain, AppTls tls, byte[] pkg) {
    UUID id = UUID.randomUUID();
    return deployment(
        id,
        "hello",
        SslOrigin.SELF,
        id + "." + appsDomain,
        Instant.now().plus(30, ChronoUnit.DAYS),
        Optional.empty(),
        tls,
        pkg);
  }

  /** A package of {@code name} whose code is {@code codeBytes} random bytes. */
  public static byte[] packageBytes(String name, int codeBytes) {
    byte[] code = new byte[codeBytes];
    new java.util.Random(codeBytes).nextBytes(code);
    return AppPackage.create(
            name, "com.example.Main", Optional.empty(), "/health", code, PackageKey.generate())
        .toBytes();
  }

  public static Deployment deployment(
      UUID id,
      String name,
      SslOrigin origin,
      String domain,
      Instant expires,
      Optional<String> ownerChain,
      AppTls tls,
      byte[] pkg) {
    DeploymentConfig config =
        new DeploymentConfig(
            id,
            name,
            "com.example.Main",
            Optional.empty(),
            "/health",
            origin,
            domain,
            expires.truncatedTo(ChronoUnit.SECONDS),
            ByteString.of(new byte[32]),
            ByteString.of(pkg).sha256(),
            ownerChain,
            tls);
    return new Deployment(config, pkg);
  }
}
