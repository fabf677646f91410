package dev.mse.attestation.collateral;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.pck.PckExtensionException;
import dev.mse.attestation.pck.PckExtensionParser;
import dev.mse.attestation.quote.Quote;
import dev.mse.attestation.quote.QuoteCertificates;
import dev.mse.attestation.quote.QuoteFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches DCAP collateral from Intel PCS or a PCCS (API v4) through a {@link CollateralCache}.
 *
 * <p>Endpoints, relative to the base URL: {@code /sgx|tdx/certification/v4/tcb?fmspc=…} (issuer
 * chain in the {@code TCB-Info-Issuer-Chain} header, older servers {@code
 * SGX-TCB-Info-Issuer-Chain}), {@code /sgx|tdx/certification/v4/qe/identity} ({@code
 * SGX-Enclave-Identity-Issuer-Chain}), {@code /sgx/certification/v4/pckcrl?ca=…&encoding=der}
 * ({@code SGX-PCK-CRL-Issuer-Chain}). The root CA CRL is not a PCS endpoint: for PCS it is Intel's
 * CRL distribution point {@link IntelPcsDefaults#ROOT_CA_CRL_URL}, for a PCCS its {@code
 * /sgx/certification/v4/rootcacrl} (hex or DER); either can be overridden.
 *
 * <p>Every response is validated before it is cached (it must parse, and a TCB Info must be for the
 * FMSPC and TEE asked for), so a broken answer never replaces a good cached one. Issuer chain
 * headers hold URL-encoded PEM. A missing PCK CRL issuer chain header gives an empty chain, which
 * the verifier fills from the quote's PCK chain.
 *
 * <p>Each request has a connect timeout and an overall deadline that covers the body, and bodies
 * are capped in size while they are read. This class only fetches: nothing it returns is trusted
 * until the verifier has checked it against the pinned Intel root.
 */
public final class PcsClient implements AutoCloseable {
  private static final List<String> TCB_INFO_CHAIN_HEADERS =
      List.of("tcb-info-issuer-chain", "sgx-tcb-info-issuer-chain");
  private static final List<String> QE_IDENTITY_CHAIN_HEADERS =
      List.of("sgx-enclave-identity-issuer-chain", "enclave-identity-issuer-chain");
  private static final List<String> PCK_CRL_CHAIN_HEADERS = List.of("sgx-pck-crl-issuer-chain");

  private final URI baseUrl;
  private final URI rootCaCrlUrl;
  private final CollateralCache cache;
  private final Duration requestTimeout;
  private final long maxResponseBytes;
  private final StaleListener staleListener;
  private final HttpClient http;

  /** Told whenever a stale cached response is served because fetching a new one failed. */
  @FunctionalInterface
  public interface StaleListener {
    void staleServed(URI url, Instant nextUpdate, PcsException failure);
  }

  private PcsClient(Builder builder) {
    this.baseUrl = builder.baseUrl;
    this.rootCaCrlUrl =
        builder.rootCaCrlUrl != null ? builder.rootCaCrlUrl : defaultRootCaCrlUrl(builder.baseUrl);
    this.cache = builder.cache;
    this.requestTimeout = builder.requestTimeout;
    this.maxResponseBytes = builder.maxResponseBytes;
    this.staleListener = builder.staleListener;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(builder.connectTimeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  public static Builder builder(CollateralCache cache) {
    return new Builder(cache);
  }

  /**
   * All collateral for one platform.
   *
   * @param fmspc the 6-byte FMSPC from the PCK certificate
   * @param tdx TDX TCB Info and TD_QE identity instead of SGX's
   * @param pckCa {@code processor} or {@code platform}: the CA that issued the PCK certificate
   * @throws PcsException if a part could not be fetched and none is cached
   * @throws IOException if the cache cannot be written
   */
  public Collateral fetch(ByteString fmspc, boolean tdx, String pckCa) throws IOException {
    if (fmspc.size() != 6) {
      throw new IllegalArgumentException("FMSPC must be 6 bytes, got " + fmspc.size());
    }
    if (!pckCa.equals("processor") && !pckCa.equals("platform")) {
      throw new IllegalArgumentException("pckCa must be processor or platform, got " + pckCa);
    }
    String tee = tdx ? "tdx" : "sgx";
    URI tcbUrl = endpoint(tee, "tcb?fmspc=" + fmspc.hex().toUpperCase(Locale.ROOT));
    URI qeUrl = endpoint(tee, "qe/identity");
    URI pckCrlUrl = endpoint("sgx", "pckcrl?ca=" + pckCa + "&encoding=der");

    CollateralCache.Entry tcb =
        get(tcbUrl, TCB_INFO_CHAIN_HEADERS, true, body -> checkTcbInfo(body, fmspc, tdx));
    CollateralCache.Entry qe =
        get(qeUrl, QE_IDENTITY_CHAIN_HEADERS, true, body -> checkQeIdentity(body, tdx));
    CollateralCache.Entry pckCrl =
        get(
            pckCrlUrl,
            PCK_CRL_CHAIN_HEADERS,
            false,
            body -> nextUpdate(CrlReader.read(body, "pck_crl")));
    CollateralCache.Entry rootCrl =
        get(
            rootCaCrlUrl,
            List.of(),
            false,
            body -> nextUpdate(CrlReader.read(body, "root_ca_crl")));
    try {
      return new Collateral(
          optionalChain(pckCrl, PCK_CRL_CHAIN_HEADERS),
          CrlReader.read(rootCrl.body(), "root_ca_crl"),
          CrlReader.read(pckCrl.body(), "pck_crl"),
          requiredChain(tcb, TCB_INFO_CHAIN_HEADERS),
          PcsResponseReader.tcbInfo(tcb.body()),
          requiredChain(qe, QE_IDENTITY_CHAIN_HEADERS),
          PcsResponseReader.enclaveIdentity(qe.body()));
    } catch (CollateralFormatException e) {
      // Entries were validated before they were stored; this is a damaged or foreign cache file.
      throw new IOException("cached collateral is unreadable: " + e.getMessage(), e);
    }
  }

  /**
   * The collateral of {@code quote}'s platform: the FMSPC from its PCK certificate, TDX or SGX by
   * the quote, and the PCK CA (Processor or Platform) by the certificate's issuer name, as Intel's
   * quote provider library chooses them.
   *
   * @throws CollateralFormatException if the quote has no readable PCK certificate
   */
  public Collateral fetchFor(Quote quote) throws IOException, CollateralFormatException {
    X509Certificate leaf;
    ByteString fmspc;
    try {
      leaf = QuoteCertificates.pckChain(quote).getFirst();
      fmspc = PckExtensionParser.parse(leaf).fmspc();
    } catch (QuoteFormatException | PckExtensionException e) {
      throw new CollateralFormatException(
          "cannot tell which collateral to fetch: " + e.getMessage());
    }
    String ca =
        leaf.getIssuerX500Principal().getName().contains("Processor") ? "processor" : "platform";
    return fetch(fmspc, quote.isTdx(), ca);
  }

  @Override
  public void close() {
    http.close();
  }

  /** Where the root CA CRL is fetched from (for tests of the defaults). */
  URI rootCaCrlUrl() {
    return rootCaCrlUrl;
  }

  /** Validates a response body and says until when it is fresh. */
  @FunctionalInterface
  private interface Check {
    Instant nextUpdate(ByteString body) throws CollateralFormatException;
  }

  /**
   * One part of the collateral, from the cache or the network.
   *
   * @param chainHeaders the headers that may carry the part's issuer chain, preferred first
   * @param chainRequired whether a response without that header is malformed
   */
  private CollateralCache.Entry get(
      URI url, List<String> chainHeaders, boolean chainRequired, Check check) throws IOException {
    CollateralCache.Lookup lookup =
        cache.get(url, () -> download(url, chainHeaders, chainRequired, check));
    if (lookup.source() == CollateralCache.Source.STALE_CACHE) {
      staleListener.staleServed(url, lookup.entry().nextUpdate(), lookup.failure().orElseThrow());
    }
    return lookup.entry();
  }

  private CollateralCache.Entry download(
      URI url, List<String> chainHeaders, boolean chainRequired, Check check) throws PcsException {
    HttpResponse<byte[]> response = send(url);
    if (response.statusCode() != 200) {
      throw new PcsException(
          url, response.statusCode(), "HTTP " + response.statusCode() + " from " + url, null);
    }
    ByteString body = ByteString.of(response.body());
    Map<String, String> headers = new TreeMap<>();
    for (String name : chainHeaders) {
      response.headers().firstValue(name).ifPresent(value -> headers.put(name, value));
    }
    Instant nextUpdate;
    try {
      nextUpdate = check.nextUpdate(body);
      if (chainRequired) {
        requiredChain(headers, chainHeaders);
      } else {
        optionalChain(headers, chainHeaders);
      }
    } catch (CollateralFormatException e) {
      throw new PcsException(url, 200, "malformed response from " + url + ": " + e.getMessage(), e);
    }
    return new CollateralCache.Entry(url, headers, body, nextUpdate, cache.clock().instant());
  }

  private HttpResponse<byte[]> send(URI url) throws PcsException {
    HttpRequest request = HttpRequest.newBuilder(url).timeout(requestTimeout).GET().build();
    CompletableFuture<HttpResponse<byte[]>> response =
        http.sendAsync(request, LimitedBodySubscriber.handler(maxResponseBytes));
    try {
      return response.get(requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      response.cancel(true);
      throw new PcsException(url, "no complete response from " + url + " in " + requestTimeout, e);
    } catch (InterruptedException e) {
      response.cancel(true);
      Thread.currentThread().interrupt();
      throw new PcsException(url, "interrupted while fetching " + url, e);
    } catch (ExecutionException e) {
      for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
        if (cause instanceof LimitedBodySubscriber.TooLargeException tooLarge) {
          throw new PcsException(url, tooLarge.getMessage() + " from " + url, tooLarge);
        }
      }
      throw new PcsException(url, "cannot fetch " + url + ": " + e.getCause(), e.getCause());
    }
  }

  private static Instant checkTcbInfo(ByteString body, ByteString fmspc, boolean tdx)
      throws CollateralFormatException {
    TcbInfo tcbInfo = TcbInfoParser.parse(PcsResponseReader.tcbInfo(body).body());
    if (!tcbInfo.fmspc().equals(fmspc) || tcbInfo.isTdx() != tdx) {
      throw new CollateralFormatException(
          "TCB Info is for "
              + tcbInfo.id()
              + " FMSPC "
              + tcbInfo.fmspc()
              + ", asked for "
              + (tdx ? "TDX" : "SGX")
              + " FMSPC "
              + fmspc);
    }
    return tcbInfo.nextUpdate();
  }

  private static Instant checkQeIdentity(ByteString body, boolean tdx)
      throws CollateralFormatException {
    QeIdentity identity = QeIdentityParser.parse(PcsResponseReader.enclaveIdentity(body).body());
    String expected = tdx ? "TD_QE" : "QE";
    if (!identity.id().equals(expected)) {
      throw new CollateralFormatException(
          "enclave identity is " + identity.id() + ", asked for " + expected);
    }
    return identity.nextUpdate();
  }

  /** A CRL without nextUpdate is never fresh: it is fetched again at every use. */
  private static Instant nextUpdate(X509CRL crl) {
    return crl.getNextUpdate() == null ? Instant.EPOCH : crl.getNextUpdate().toInstant();
  }

  private static List<X509Certificate> requiredChain(
      CollateralCache.Entry entry, List<String> names) throws CollateralFormatException {
    return requiredChain(entry.headers(), names);
  }

  private static List<X509Certificate> requiredChain(
      Map<String, String> headers, List<String> names) throws CollateralFormatException {
    Optional<String> value = header(headers, names);
    if (value.isEmpty()) {
      throw new CollateralFormatException("missing header " + names.getFirst());
    }
    return chain(value.get(), names.getFirst());
  }

  private static List<X509Certificate> optionalChain(
      CollateralCache.Entry entry, List<String> names) throws CollateralFormatException {
    return optionalChain(entry.headers(), names);
  }

  private static List<X509Certificate> optionalChain(
      Map<String, String> headers, List<String> names) throws CollateralFormatException {
    Optional<String> value = header(headers, names);
    return value.isEmpty() ? List.of() : chain(value.get(), names.getFirst());
  }

  private static Optional<String> header(Map<String, String> headers, List<String> names) {
    for (String name : names) {
      String value = headers.get(name);
      if (value != null) {
        return Optional.of(value);
      }
    }
    return Optional.empty();
  }

  /**
   * The certificates of an issuer chain header. Intel escapes the PEM as RFC 3986 ({@code %20} for
   * spaces); a server that form-encodes writes {@code +} for the spaces of the armor lines, which
   * are put back here. Base64's own {@code +} is escaped as {@code %2B} by both.
   */
  private static List<X509Certificate> chain(String urlEncodedPem, String header)
      throws CollateralFormatException {
    String pem =
        new String(percentDecode(urlEncodedPem, header), StandardCharsets.UTF_8)
            .replace("-----BEGIN+CERTIFICATE-----", "-----BEGIN CERTIFICATE-----")
            .replace("-----END+CERTIFICATE-----", "-----END CERTIFICATE-----");
    return CertificateChainReader.read(ByteString.of(pem.getBytes(StandardCharsets.UTF_8)), header);
  }

  /**
   * Percent-decoding only: unlike {@link java.net.URLDecoder} it leaves {@code +} alone, which
   * matters because base64 uses it and a server that does not escape it still sends valid PEM.
   */
  static byte[] percentDecode(String text, String what) throws CollateralFormatException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%') {
        int high = i + 1 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
        int low = i + 2 < text.length() ? Character.digit(text.charAt(i + 2), 16) : -1;
        if (high < 0 || low < 0 || text.charAt(i + 1) > 'f' || text.charAt(i + 2) > 'f') {
          throw new CollateralFormatException(what + ": bad percent escape at position " + i);
        }
        out.write(high << 4 | low);
        i += 2;
      } else if (c < 0x80) {
        out.write(c);
      } else {
        throw new CollateralFormatException(what + ": non-ASCII character at position " + i);
      }
    }
    return out.toByteArray();
  }

  private URI endpoint(String tee, String path) {
    return URI.create(baseUrl + "/" + tee + "/certification/v4/" + path);
  }

  private static URI defaultRootCaCrlUrl(URI baseUrl) {
    return baseUrl.equals(IntelPcsDefaults.PCS_BASE_URL)
        ? IntelPcsDefaults.ROOT_CA_CRL_URL
        : URI.create(baseUrl + "/sgx/certification/v4/rootcacrl");
  }

  /** Settings with safe defaults: Intel PCS, 10 s to connect, 30 s per request, 1 MiB bodies. */
  public static final class Builder {
    private final CollateralCache cache;
    private URI baseUrl = IntelPcsDefaults.PCS_BASE_URL;
    private URI rootCaCrlUrl;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private long maxResponseBytes = 1L << 20;
    private StaleListener staleListener = (url, nextUpdate, failure) -> {};

    private Builder(CollateralCache cache) {
      this.cache = cache;
    }

    /**
     * The PCS or PCCS to ask, e.g. {@code https://pccs.example:8081}. A trailing {@code /} or
     * {@code /sgx|tdx/certification/v4} is dropped, so a PCCS URL copied from a QCNL configuration
     * works as is.
     */
    public Builder baseUrl(URI baseUrl) {
      String text = stripTrailingSlashes(baseUrl.toString());
      for (String suffix : List.of("/sgx/certification/v4", "/tdx/certification/v4")) {
        if (text.endsWith(suffix)) {
          text = stripTrailingSlashes(text.substring(0, text.length() - suffix.length()));
        }
      }
      this.baseUrl = URI.create(text);
      return this;
    }

    /** Where to get the root CA CRL; by default Intel's URL for PCS, {@code /rootcacrl} else. */
    public Builder rootCaCrlUrl(URI rootCaCrlUrl) {
      this.rootCaCrlUrl = rootCaCrlUrl;
      return this;
    }

    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive(connectTimeout, "connectTimeout");
      return this;
    }

    /** The deadline for one request, from sending it to the last byte of the body. */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = positive(requestTimeout, "requestTimeout");
      return this;
    }

    public Builder maxResponseBytes(long maxResponseBytes) {
      if (maxResponseBytes <= 0) {
        throw new IllegalArgumentException("maxResponseBytes must be positive");
      }
      this.maxResponseBytes = maxResponseBytes;
      return this;
    }

    public Builder staleListener(StaleListener staleListener) {
      this.staleListener = staleListener;
      return this;
    }

    public PcsClient build() {
      return new PcsClient(this);
    }

    private static String stripTrailingSlashes(String text) {
      String out = text;
      while (out.endsWith("/")) {
        out = out.substring(0, out.length() - 1);
      }
      return out;
    }

    private static Duration positive(Duration duration, String name) {
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException(name + " must be positive");
      }
      return duration;
    }
  }
}
