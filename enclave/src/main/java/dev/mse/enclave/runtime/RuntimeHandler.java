package dev.mse.enclave.runtime;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.CollateralBundleWriter;
import dev.mse.attestation.collateral.CollateralFormatException;
import dev.mse.attestation.ratls.AttestationClaims;
import dev.mse.enclave.tee.TeeException;
import dev.mse.protocol.provisioning.ProvisioningException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The enclave port's routes, under {@code /.well-known/mse/}: {@code status}, {@code
 * evidence?nonce=[&spki=]} (fresh evidence in every state) and {@code provision} (POST, once).
 * Every other path: 404, with the {@code Mse-Status} header; the app has its own port.
 */
final class RuntimeHandler extends Handler.Abstract {
  static final String PREFIX = "/.well-known/mse/";
  static final String STATUS_HEADER = "Mse-Status";

  /**
   * The largest provisioning request: a sealed message with the owner's secrets, and the
   * operator's. Read before anything is authenticated, into the heap the app shares: small on
   * purpose.
   */
  static final int MAX_PROVISIONING_BODY = 1024 * 1024;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final EnclaveRuntime runtime;

  RuntimeHandler(EnclaveRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = Request.getPathInContext(request);
    if (path.startsWith(PREFIX)) {
      return route(path.substring(PREFIX.length()), request, response, callback);
    }
    response.getHeaders().put(STATUS_HEADER, runtime.status().state().wireName());
    return error(
        response,
        callback,
        404,
        "this is the enclave's port (/.well-known/mse/status, /evidence, /provision): the app is"
            + " served on its own port");
  }

  private boolean route(String route, Request request, Response response, Callback callback)
      throws IOException {
    String method = request.getMethod();
    switch (route) {
      case "status" -> {
        return json(response, callback, 200, statusJson());
      }
      case "evidence" -> {
        if (!HttpMethod.GET.is(method)) {
          return error(response, callback, 405, "use GET");
        }
        return evidence(request, response, callback);
      }
      case "provision" -> {
        if (!HttpMethod.POST.is(method)) {
          return error(response, callback, 405, "use POST");
        }
        return provision(request, response, callback);
      }
      default -> {
        return error(response, callback, 404, "no such mse endpoint");
      }
    }
  }

  private ObjectNode statusJson() {
    EnclaveRuntime.Status s = runtime.status();
    ObjectNode n = JSON.createObjectNode();
    n.put("state", s.state().wireName());
    n.put("tee", runtime.tee().name());
    n.put("simulated", runtime.tee().simulated());
    n.put("app_id", runtime.config().appId().toString());
    n.put("app_name", runtime.config().appName());
    s.failure().ifPresent(f -> n.put("failure", f));
    s.codeSha256().ifPresent(c -> n.put("code_sha256", c.hex()));
    memory(n);
    return n;
  }

  /** What the app gets: the JVM's heap and direct memory limits. */
  private static void memory(ObjectNode n) {
    AppMemory m = AppMemory.ofThisJvm();
    ObjectNode memory = n.putObject("memory");
    memory.put("heap_max_bytes", m.heapMaxBytes());
    memory.put("direct_max_bytes", m.directMaxBytes());
  }

  /**
   * Fresh evidence over the current claims plus the caller's nonce, for the key named by {@code
   * spki} (SHA-256 of its DER SubjectPublicKeyInfo, hex): the RA-TLS key (also when absent) or, in
   * owner mode once provisioned, the owner's key. A verifier names the key it was served.
   */
  private boolean evidence(Request request, Response response, Callback callback)
      throws IOException {
    Fields query = Request.extractQueryParameters(request);
    Optional<ByteString> nonce;
    Optional<ByteString> spki;
    try {
      nonce = hex(query.getValue("nonce"));
      spki = hex(query.getValue("spki"));
    } catch (IllegalArgumentException e) {
      return error(response, callback, 400, "nonce and spki must be hex");
    }
    if (nonce.isPresent() && nonce.get().size() > AttestationClaims.MAX_NONCE_BYTES) {
      return error(response, callback, 400, "the nonce is at most 64 bytes");
    }
    Optional<X509Certificate> served = runtime.certificateFor(spki);
    if (served.isEmpty()) {
      return error(response, callback, 404, "not a key of this enclave");
    }
    EnclaveRuntime.Status s = runtime.status();
    AttestationClaims claims =
        runtime.evidence().claims(served.get().getPublicKey(), s.state(), s.codeSha256(), nonce);
    ObjectNode n = JSON.createObjectNode();
    try {
      ByteString quote = runtime.evidence().quote(claims);
      n.put("claims", Base64.getEncoder().encodeToString(claims.encode().toByteArray()));
      n.put("quote", Base64.getEncoder().encodeToString(quote.toByteArray()));
      n.put("certificate", pem(served.get()));
      var collateral = runtime.evidence().collateral();
      if (collateral.isPresent()) {
        n.put(
            "collateral",
            new String(
                CollateralBundleWriter.write(collateral.get()).toByteArray(),
                StandardCharsets.UTF_8));
      }
    } catch (TeeException | CollateralFormatException | CertificateEncodingException e) {
      return error(response, callback, 500, "cannot make evidence: " + e.getMessage());
    }
    memory(n);
    return json(response, callback, 200, n);
  }

  private static Optional<ByteString> hex(String value) {
    return value == null
        ? Optional.empty()
        : Optional.of(ByteString.of(HexFormat.of().parseHex(value)));
  }

  /**
   * Takes a provisioning request, only while waiting. Whatever is refused is refused before its
   * body is read (a declared length over the cap, any request once provisioned), or as soon as the
   * body passes the cap (chunked), and the connection closes with the rest unread.
   */
  private boolean provision(Request request, Response response, Callback callback)
      throws IOException {
    EnclaveRuntime.Status now = runtime.status();
    if (now.state() != AttestationClaims.State.WAITING) {
      return refuse(
          response, callback, 409, "this enclave is " + now.state().wireName() + ", not waiting");
    }
    String tooLarge = "the provisioning request is larger than 1 MiB";
    if (request.getLength() > MAX_PROVISIONING_BODY) {
      return refuse(response, callback, 413, tooLarge);
    }
    byte[] body;
    try (InputStream in = Content.Source.asInputStream(request)) {
      body = in.readNBytes(MAX_PROVISIONING_BODY + 1);
    }
    if (body.length > MAX_PROVISIONING_BODY) {
      return refuse(response, callback, 413, tooLarge);
    }
    byte[] sealed;
    Optional<ByteString> operatorSecrets = Optional.empty();
    try {
      JsonNode n = JSON.readTree(body);
      if (n == null || !n.isObject() || !n.path("sealed_message").isString()) {
        return error(
            response,
            callback,
            400,
            "expected {\"sealed_message\": \"<base64>\", \"secrets\": {...}}");
      }
      sealed = Base64.getDecoder().decode(n.get("sealed_message").asString());
      if (n.has("secrets") && !n.get("secrets").isNull()) {
        operatorSecrets = Optional.of(ByteString.of(JSON.writeValueAsBytes(n.get("secrets"))));
      }
    } catch (JacksonException | IllegalArgumentException e) {
      return error(
          response,
          callback,
          400,
          "the provisioning request is not valid JSON with a base64 sealed_message");
    }
    try {
      runtime.provision(sealed, operatorSecrets);
    } catch (ProvisioningException e) {
      int code = e.reason() == ProvisioningException.Reason.ALREADY_PROVISIONED ? 409 : 403;
      return error(response, callback, code, e.getMessage());
    }
    return json(response, callback, 202, statusJson());
  }

  /** An error, and the connection closed after it: the request's body is not read any further. */
  private static boolean refuse(Response response, Callback callback, int code, String message) {
    response.getHeaders().put(HttpHeader.CONNECTION, "close");
    return error(response, callback, code, message);
  }

  private static String pem(X509Certificate cert) throws CertificateEncodingException {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(cert.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }

  private static boolean json(Response response, Callback callback, int code, JsonNode body) {
    response.setStatus(code);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(JSON.writeValueAsBytes(body)), callback);
    return true;
  }

  private static boolean error(Response response, Callback callback, int code, String message) {
    ObjectNode n = JSON.createObjectNode();
    n.put("error", message);
    return json(response, callback, code, n);
  }
}
