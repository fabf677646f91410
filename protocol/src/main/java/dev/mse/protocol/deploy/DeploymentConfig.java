package dev.mse.protocol.deploy;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.codec.X509Codec;
import dev.mse.attestation.ratls.AppTls;
import dev.mse.attestation.ratls.SslOrigin;
import dev.mse.protocol.config.AppFields;
import dev.mse.protocol.json.CanonicalJson;
import dev.mse.protocol.json.CanonicalJsonException;
import dev.mse.protocol.json.JsonObject;
import dev.mse.protocol.text.UntrustedText;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import javax.security.auth.x500.X500Principal;

/**
 * What a node is given beside the encrypted package, and what the enclave hashes into its {@code
 * config-sha256} claim. The owner's CLI compares that claim with the SHA-256 of the config it sent,
 * which is why the encoding is canonical JSON ({@link CanonicalJson}): sorted keys, no whitespace,
 * and {@link #parse} refuses any other encoding of the same value.
 *
 * <pre>
 * {"app_id":"&lt;uuid, lowercase&gt;","app_name":"…","domain":"…","expires":"2025-01-01T00:00:00Z",
 *  "healthcheck_endpoint":"/health","java_application":"…","main_jar":"…",
 *  "owner_certificate_chain":"&lt;PEM&gt;","owner_public_key":"&lt;64 hex&gt;",
 *  "package_sha256":"&lt;64 hex&gt;","ssl_origin":"self|owner|operator","tls":"runtime",
 *  "version":1}
 * </pre>
 *
 * (and {@code "certificate_subject":"CN=…"} when the owner chose the RA-TLS certificate's subject,
 * in RFC 2253 form, as {@code mse home spawn --subject} writes it; absent, the subject is {@code
 * CN=<domain>}.)
 *
 * <p>{@code main_jar} is omitted when absent; {@code owner_certificate_chain} is present exactly in
 * owner mode; {@code tls} is present only when the runtime terminates the app's TLS ({@link
 * AppTls#RUNTIME}), so that a config of an app serving its own TLS has one encoding. {@code
 * expires} is UTC with whole seconds.
 *
 * @param appId the app's id
 * @param appName the app name
 * @param javaApplication the main class
 * @param mainJar the jar that holds the main class
 * @param healthcheckEndpoint the readiness path
 * @param sslOrigin where TLS ends
 * @param domain the app's domain (CN and SAN of its certificate)
 * @param expires when the app stops; also the certificate's notAfter
 * @param ownerPublicKey the owner's X25519 public key (32 raw bytes), the only sender the enclave
 *     accepts a provisioning message from
 * @param packageSha256 SHA-256 of the package file the node was given
 * @param ownerCertificateChain the owner's PEM certificate chain (owner mode only)
 * @param tls who terminates the app's TLS inside the TEE
 * @param certificateSubject the RA-TLS certificate's subject, an X.500 name in RFC 2253 form
 *     (default {@code CN=<domain>})
 */
public record DeploymentConfig(
    UUID appId,
    String appName,
    String javaApplication,
    Optional<String> mainJar,
    String healthcheckEndpoint,
    SslOrigin sslOrigin,
    String domain,
    Instant expires,
    ByteString ownerPublicKey,
    ByteString packageSha256,
    Optional<String> ownerCertificateChain,
    AppTls tls,
    Optional<String> certificateSubject) {

  /** The format this code writes and reads. */
  public static final int VERSION = 1;

  /** Four-digit years only, so that {@code expires} always has the same text form. */
  private static final Instant LATEST_EXPIRY = Instant.parse("9999-12-31T23:59:59Z");

  /** Largest encoded config accepted (a certificate chain fits easily). */
  public static final int MAX_LENGTH = 256 * 1024;

  private static final Set<String> KEYS =
      Set.of(
          "version",
          "app_id",
          "app_name",
          "java_application",
          "main_jar",
          "healthcheck_endpoint",
          "ssl_origin",
          "domain",
          "expires",
          "owner_public_key",
          "package_sha256",
          "owner_certificate_chain",
          "tls",
          "certificate_subject");

  /** Checks every field; {@link IllegalArgumentException} names the first that is wrong. */
  public DeploymentConfig {
    require(tls != null, "tls must be app or runtime");
    require(AppFields.isAppName(appName), "app_name must be 1 to 255 characters without controls");
    require(
        AppFields.isJavaClassName(javaApplication),
        "java_application must be a fully qualified class name");
    require(
        mainJar.isEmpty() || AppFields.isMainJar(mainJar.get()),
        "main_jar must be a relative .jar path");
    require(
        AppFields.isHealthcheckEndpoint(healthcheckEndpoint),
        "healthcheck_endpoint must be a path starting with /");
    require(AppFields.isDomainName(domain), "domain must be a DNS name");
    require(expires.getNano() == 0, "expires must be whole seconds");
    require(
        expires.isAfter(Instant.EPOCH) && !expires.isAfter(LATEST_EXPIRY),
        "expires must be between 1970 and 9999");
    require(ownerPublicKey.size() == 32, "owner_public_key must be 32 bytes");
    require(packageSha256.size() == 32, "package_sha256 must be 32 bytes");
    require(
        ownerCertificateChain.isPresent() == (sslOrigin == SslOrigin.OWNER),
        "owner_certificate_chain is required in owner mode and only there");
    if (ownerCertificateChain.isPresent()) {
      require(
          isCertificateChain(ownerCertificateChain.get()),
          "owner_certificate_chain must be PEM certificates");
    }
    require(
        certificateSubject.isEmpty() || isRfc2253(certificateSubject.get()),
        "certificate_subject must be an X.500 name in RFC 2253 form");
  }

  /** A config with the default certificate subject ({@code CN=<domain>}). */
  public DeploymentConfig(
      UUID appId,
      String appName,
      String javaApplication,
      Optional<String> mainJar,
      String healthcheckEndpoint,
      SslOrigin sslOrigin,
      String domain,
      Instant expires,
      ByteString ownerPublicKey,
      ByteString packageSha256,
      Optional<String> ownerCertificateChain,
      AppTls tls) {
    this(
        appId,
        appName,
        javaApplication,
        mainJar,
        healthcheckEndpoint,
        sslOrigin,
        domain,
        expires,
        ownerPublicKey,
        packageSha256,
        ownerCertificateChain,
        tls,
        Optional.empty());
  }

  /**
   * {@code name} as an X.500 name in RFC 2253 form, the one form a config holds (so that one
   * subject has one encoding, and one config-sha256).
   *
   * @throws IllegalArgumentException if it is not an X.500 name
   */
  public static String certificateSubject(String name) {
    String rfc2253;
    try {
      rfc2253 = new X500Principal(name).getName(X500Principal.RFC2253);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "not an X.500 name (e.g. CN=app.example.com,O=Example): " + e.getMessage(), e);
    }
    if (rfc2253.isEmpty() || rfc2253.length() > 1024) {
      throw new IllegalArgumentException("an X.500 name of 1 to 1024 characters is needed");
    }
    return rfc2253;
  }

  private static boolean isRfc2253(String name) {
    try {
      return certificateSubject(name).equals(name);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The canonical JSON encoding. */
  public byte[] toCanonicalJson() {
    Map<String, Object> json = new TreeMap<>();
    json.put("version", VERSION);
    json.put("app_id", appId.toString());
    json.put("app_name", appName);
    json.put("java_application", javaApplication);
    mainJar.ifPresent(v -> json.put("main_jar", v));
    json.put("healthcheck_endpoint", healthcheckEndpoint);
    json.put("ssl_origin", sslOrigin.wireName());
    json.put("domain", domain);
    json.put("expires", DateTimeFormatter.ISO_INSTANT.format(expires));
    json.put("owner_public_key", ownerPublicKey.hex());
    json.put("package_sha256", packageSha256.hex());
    ownerCertificateChain.ifPresent(v -> json.put("owner_certificate_chain", v));
    if (tls != AppTls.APP) {
      json.put("tls", tls.wireName());
    }
    certificateSubject.ifPresent(v -> json.put("certificate_subject", v));
    return CanonicalJson.encode(json);
  }

  /** {@code config-sha256}: the SHA-256 of {@link #toCanonicalJson()}. */
  public ByteString sha256() {
    return ByteString.of(toCanonicalJson()).sha256();
  }

  /** Parses the canonical encoding; anything else is a {@link DeploymentConfigException}. */
  public static DeploymentConfig parse(byte[] json) throws DeploymentConfigException {
    try {
      JsonObject o = CanonicalJson.decode(json, MAX_LENGTH);
      o.requireOnlyKeys(KEYS);
      long version = o.integer("version");
      if (version != VERSION) {
        throw new DeploymentConfigException("unsupported deployment config version " + version);
      }
      String origin = o.string("ssl_origin");
      DeploymentConfig config =
          new DeploymentConfig(
              uuid(o.string("app_id")),
              o.string("app_name"),
              o.string("java_application"),
              o.optionalString("main_jar"),
              o.string("healthcheck_endpoint"),
              SslOrigin.fromWireName(origin)
                  .orElseThrow(
                      () ->
                          new DeploymentConfigException(
                              "ssl_origin must be self, owner or operator, got "
                                  + UntrustedText.excerpt(origin))),
              o.string("domain"),
              Instant.parse(o.string("expires")),
              hex32(o.string("owner_public_key"), "owner_public_key"),
              hex32(o.string("package_sha256"), "package_sha256"),
              o.optionalString("owner_certificate_chain"),
              tls(o.optionalString("tls")),
              o.optionalString("certificate_subject"));
      // field-level canonical forms too (lowercase UUID, whole-second instant): one value, one
      // encoding, so config-sha256 is a function of the config
      if (!java.util.Arrays.equals(config.toCanonicalJson(), json)) {
        throw new DeploymentConfigException(
            "invalid deployment config: a field is not in its canonical form");
      }
      return config;
    } catch (CanonicalJsonException e) {
      throw new DeploymentConfigException("invalid deployment config: " + e.getMessage(), e);
    } catch (DateTimeParseException e) {
      throw new DeploymentConfigException(
          "invalid deployment config: expires is not an instant", e);
    } catch (IllegalArgumentException e) {
      throw new DeploymentConfigException("invalid deployment config: " + e.getMessage(), e);
    }
  }

  private static AppTls tls(Optional<String> wire) throws DeploymentConfigException {
    if (wire.isEmpty()) {
      return AppTls.APP;
    }
    return AppTls.fromWireName(wire.get())
        .orElseThrow(
            () ->
                new DeploymentConfigException(
                    "tls must be app or runtime, got " + UntrustedText.excerpt(wire.get())));
  }

  /** The JDK's own message for a bad UUID quotes the whole input. */
  private static UUID uuid(String text) throws DeploymentConfigException {
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw new DeploymentConfigException("app_id must be a UUID", e);
    }
  }

  private static ByteString hex32(String hex, String field) throws DeploymentConfigException {
    if (hex.length() != 64
        || !hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      throw new DeploymentConfigException(field + " must be 64 lowercase hex digits");
    }
    return ByteString.fromHex(hex);
  }

  private static boolean isCertificateChain(String pem) {
    if (!pem.startsWith("-----BEGIN CERTIFICATE-----")) {
      return false;
    }
    try {
      return !X509Codec.certificates(pem.getBytes(StandardCharsets.US_ASCII)).isEmpty();
    } catch (CertificateException | RuntimeException e) {
      return false;
    }
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
