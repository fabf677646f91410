package dev.mse.protocol.pkg;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.ratls.AppTls;
import dev.mse.protocol.config.AppFields;
import dev.mse.protocol.json.CanonicalJson;
import dev.mse.protocol.json.CanonicalJsonException;
import dev.mse.protocol.json.JsonObject;
import dev.mse.protocol.text.UntrustedText;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What an app package says about itself, in canonical JSON ({@code manifest.json}):
 *
 * <pre>
 * {"code_sha256":"&lt;64 hex&gt;","format":1,"healthcheck_endpoint":"/health",
 *  "java_application":"com.example.Main","main_jar":"app.jar","name":"hello","salt":"&lt;64 hex&gt;"}
 * </pre>
 *
 * {@code main_jar} is left out when absent; {@code tls} is written only when the runtime terminates
 * the app's TLS ({@code "tls":"runtime"}), so that the manifest of an app serving its own TLS has
 * one encoding. The operator side reads {@code tls} from here to write the deployment config
 * ({@code mse home spawn}), and the owner's checks compare the two. The manifest is the associated
 * data of the encrypted code, so changing it breaks decryption; its canonical form makes the
 * package file, and so {@code package-sha256}, a function of its content.
 *
 * @param name the app name
 * @param javaApplication the main class
 * @param mainJar the jar that holds the main class
 * @param healthcheckEndpoint the readiness path
 * @param codeSha256 SHA-256 of the plaintext code archive ({@code code-sha256})
 * @param salt the salt of the encrypted code's header
 * @param tls who terminates the app's TLS inside the TEE
 */
public record PackageManifest(
    String name,
    String javaApplication,
    Optional<String> mainJar,
    String healthcheckEndpoint,
    ByteString codeSha256,
    ByteString salt,
    AppTls tls) {

  /** The manifest format this code writes and reads. */
  public static final int FORMAT = 1;

  /** Largest manifest accepted. */
  public static final int MAX_LENGTH = 64 * 1024;

  private static final Set<String> KEYS =
      Set.of(
          "format",
          "name",
          "java_application",
          "main_jar",
          "healthcheck_endpoint",
          "code_sha256",
          "salt",
          "tls");

  public PackageManifest {
    if (tls == null) {
      throw new IllegalArgumentException("tls must be app or runtime");
    }
    if (!AppFields.isAppName(name)) {
      throw new IllegalArgumentException("invalid app name");
    }
    if (!AppFields.isJavaClassName(javaApplication)) {
      throw new IllegalArgumentException(
          "invalid java_application: " + UntrustedText.excerpt(javaApplication));
    }
    if (mainJar.isPresent() && !AppFields.isMainJar(mainJar.get())) {
      throw new IllegalArgumentException(
          "invalid main_jar: " + UntrustedText.excerpt(mainJar.get()));
    }
    if (!AppFields.isHealthcheckEndpoint(healthcheckEndpoint)) {
      throw new IllegalArgumentException(
          "invalid healthcheck_endpoint: " + UntrustedText.excerpt(healthcheckEndpoint));
    }
    if (codeSha256.size() != 32 || salt.size() != PackageHeader.SALT_LENGTH) {
      throw new IllegalArgumentException("code_sha256 and salt are 32 bytes");
    }
  }

  /** A manifest of an app that serves its own TLS. */
  public PackageManifest(
      String name,
      String javaApplication,
      Optional<String> mainJar,
      String healthcheckEndpoint,
      ByteString codeSha256,
      ByteString salt) {
    this(name, javaApplication, mainJar, healthcheckEndpoint, codeSha256, salt, AppTls.APP);
  }

  public byte[] toCanonicalJson() {
    Map<String, Object> json = new TreeMap<>();
    json.put("format", FORMAT);
    json.put("name", name);
    json.put("java_application", javaApplication);
    mainJar.ifPresent(v -> json.put("main_jar", v));
    json.put("healthcheck_endpoint", healthcheckEndpoint);
    json.put("code_sha256", codeSha256.hex());
    json.put("salt", salt.hex());
    if (tls != AppTls.APP) {
      json.put("tls", tls.wireName());
    }
    return CanonicalJson.encode(json);
  }

  /** Parses a canonical manifest; anything else, including a non-canonical encoding, is refused. */
  public static PackageManifest parse(byte[] json) throws AppPackageException {
    try {
      JsonObject object = CanonicalJson.decode(json, MAX_LENGTH);
      object.requireOnlyKeys(KEYS);
      long format = object.integer("format");
      if (format != FORMAT) {
        throw new AppPackageException("unsupported package manifest format " + format);
      }
      PackageManifest manifest =
          new PackageManifest(
              object.string("name"),
              object.string("java_application"),
              object.optionalString("main_jar"),
              object.string("healthcheck_endpoint"),
              hex32(object.string("code_sha256"), "code_sha256"),
              hex32(object.string("salt"), "salt"),
              tls(object.optionalString("tls")));
      if (!java.util.Arrays.equals(manifest.toCanonicalJson(), json)) {
        throw new AppPackageException("the package manifest is not in canonical form");
      }
      return manifest;
    } catch (CanonicalJsonException e) {
      throw new AppPackageException("invalid package manifest: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new AppPackageException("invalid package manifest: " + e.getMessage(), e);
    }
  }

  private static AppTls tls(Optional<String> wire) throws AppPackageException {
    if (wire.isEmpty()) {
      return AppTls.APP;
    }
    return AppTls.fromWireName(wire.get())
        .orElseThrow(
            () ->
                new AppPackageException(
                    "tls must be app or runtime, got " + UntrustedText.excerpt(wire.get())));
  }

  static ByteString hex32(String hex, String field) throws AppPackageException {
    if (hex.length() != 64
        || !hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      throw new AppPackageException(field + " must be 64 lowercase hex digits");
    }
    return ByteString.fromHex(hex);
  }
}
