package dev.mse.attestation.collateral;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.codec.X509Codec;
import dev.mse.attestation.snp.SnpFormatException;
import dev.mse.attestation.snp.SnpTcb;
import dev.mse.attestation.snp.VekExtensionParser;
import dev.mse.attestation.snp.VekExtensions;
import dev.mse.attestation.trust.AmdRoots.Product;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches SEV-SNP endorsements from AMD's Key Distribution Service (or a mirror) through a {@link
 * CollateralCache}, with the same semantics as {@link PcsClient}: fresh entries are served without
 * network, a failed refresh serves the stale copy (and tells the listener), and every response is
 * validated before it is stored, so a wrong answer never replaces a good one.
 *
 * <p>Endpoints, relative to the base URL: {@code /vcek/v1/{product}/{hwid}?blSPL=…&teeSPL=…
 * &snpSPL=…&ucodeSPL=…} ({@code &fmcSPL=…} on Turin; DER, fresh until the certificate's notAfter,
 * and it must be for that chip and TCB), {@code /vcek/v1/{product}/cert_chain} and {@code
 * /vlek/v1/{product}/cert_chain} (PEM, ASK or ASVK then ARK), {@code /vcek/v1/{product}/crl} (DER,
 * fresh until its nextUpdate). Nothing fetched is trusted: the verifier checks it against the
 * pinned AMD roots.
 */
public final class KdsClient implements AutoCloseable {
  /** AMD's KDS. */
  public static final URI AMD_KDS = URI.create("https://kdsintf.amd.com");

  private final URI baseUrl;
  private final CollateralCache cache;
  private final Duration requestTimeout;
  private final long maxResponseBytes;
  private final PcsClient.StaleListener staleListener;
  private final HttpClient http;

  private KdsClient(Builder b) {
    this.baseUrl = b.baseUrl;
    this.cache = b.cache;
    this.requestTimeout = b.requestTimeout;
    this.maxResponseBytes = b.maxResponseBytes;
    this.staleListener = b.staleListener;
    this.http = HttpClient.newBuilder().connectTimeout(b.connectTimeout).build();
  }

  public static Builder builder(CollateralCache cache) {
    return new Builder(cache);
  }

  /**
   * The VCEK of one chip at one reported TCB.
   *
   * @param chipId the report's chip id (64 bytes; on Turin only the first 8 name the chip)
   * @throws PcsException if it could not be fetched and none is cached
   * @throws IOException if the cache cannot be written
   */
  public X509Certificate vcek(Product product, ByteString chipId, SnpTcb tcb) throws IOException {
    if (chipId.size() != 64) {
      throw new IllegalArgumentException("a chip id is 64 bytes, got " + chipId.size());
    }
    ByteString hwId = product == Product.TURIN ? chipId.substring(0, 8) : chipId;
    String query =
        "blSPL="
            + tcb.bootloader()
            + "&teeSPL="
            + tcb.tee()
            + "&snpSPL="
            + tcb.snp()
            + "&ucodeSPL="
            + tcb.microcode()
            + (product == Product.TURIN ? "&fmcSPL=" + tcb.fmc() : "");
    URI url = endpoint("vcek", product, hwId.hex().toLowerCase(Locale.ROOT) + "?" + query);
    CollateralCache.Entry entry =
        get(url, body -> checkVcek(certificate(body), hwId, tcb).getNotAfter().toInstant());
    return cached(entry, KdsClient::certificate);
  }

  /** AMD's CRL for the product (signed by its ARK; revokes ASKs and ASVKs). */
  public X509CRL crl(Product product) throws IOException {
    URI url = endpoint("vcek", product, "crl");
    CollateralCache.Entry entry = get(url, body -> nextUpdate(crl(body)));
    return cached(entry, KdsClient::crl);
  }

  /** The ASK (or, for {@code vlek}, the ASVK) and the ARK, as KDS serves them. */
  public List<X509Certificate> certChain(Product product, boolean vlek) throws IOException {
    URI url = endpoint(vlek ? "vlek" : "vcek", product, "cert_chain");
    CollateralCache.Entry entry =
        get(
            url,
            body -> {
              List<X509Certificate> chain = chain(body);
              return chain.stream()
                  .map(c -> c.getNotAfter().toInstant())
                  .min(Instant::compareTo)
                  .orElseThrow();
            });
    return cached(entry, KdsClient::chain);
  }

  @Override
  public void close() {
    http.close();
  }

  @FunctionalInterface
  private interface Reader<T> {
    T read(ByteString body) throws CollateralFormatException;
  }

  /** Entries were validated before they were stored; failing now means a damaged cache file. */
  private static <T> T cached(CollateralCache.Entry entry, Reader<T> reader) throws IOException {
    try {
      return reader.read(entry.body());
    } catch (CollateralFormatException e) {
      throw new IOException("cached KDS response is unreadable: " + e.getMessage(), e);
    }
  }

  @FunctionalInterface
  private interface Check {
    Instant nextUpdate(ByteString body) throws CollateralFormatException;
  }

  private CollateralCache.Entry get(URI url, Check check) throws IOException {
    CollateralCache.Lookup lookup = cache.get(url, () -> download(url, check));
    if (lookup.source() == CollateralCache.Source.STALE_CACHE) {
      staleListener.staleServed(url, lookup.entry().nextUpdate(), lookup.failure().orElseThrow());
    }
    return lookup.entry();
  }

  private CollateralCache.Entry download(URI url, Check check) throws PcsException {
    HttpRequest request = HttpRequest.newBuilder(url).timeout(requestTimeout).GET().build();
    CompletableFuture<HttpResponse<byte[]>> pending =
        http.sendAsync(request, LimitedBodySubscriber.handler(maxResponseBytes));
    HttpResponse<byte[]> response;
    try {
      response = pending.get(requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      pending.cancel(true);
      throw new PcsException(url, "no complete response from " + url + " in " + requestTimeout, e);
    } catch (InterruptedException e) {
      pending.cancel(true);
      Thread.currentThread().interrupt();
      throw new PcsException(url, "interrupted while fetching " + url, e);
    } catch (ExecutionException e) {
      throw new PcsException(url, "cannot fetch " + url + ": " + e.getCause(), e.getCause());
    }
    if (response.statusCode() != 200) {
      throw new PcsException(
          url, response.statusCode(), "HTTP " + response.statusCode() + " from " + url, null);
    }
    ByteString body = ByteString.of(response.body());
    Instant nextUpdate;
    try {
      nextUpdate = check.nextUpdate(body);
    } catch (CollateralFormatException e) {
      throw new PcsException(url, 200, "malformed response from " + url + ": " + e.getMessage(), e);
    }
    return new CollateralCache.Entry(url, Map.of(), body, nextUpdate, cache.clock().instant());
  }

  /** A VCEK for another chip or TCB is a wrong answer, not an endorsement of this report. */
  private static X509Certificate checkVcek(X509Certificate vcek, ByteString hwId, SnpTcb tcb)
      throws CollateralFormatException {
    VekExtensions e;
    try {
      e = VekExtensionParser.parse(vcek);
    } catch (SnpFormatException ex) {
      throw new CollateralFormatException(ex.getMessage());
    }
    SnpTcb certified =
        new SnpTcb(e.bootloader(), e.tee(), e.snp(), e.microcode(), e.fmc().orElse(0));
    if (!certified.equals(tcb) || e.hwId().filter(hwId::equals).isEmpty()) {
      throw new CollateralFormatException("the VCEK served is for another chip or TCB");
    }
    return vcek;
  }

  private static X509Certificate certificate(ByteString body) throws CollateralFormatException {
    try {
      return X509Codec.certificate(body.toByteArray());
    } catch (CertificateException e) {
      throw new CollateralFormatException("not a certificate: " + e.getMessage());
    }
  }

  private static List<X509Certificate> chain(ByteString body) throws CollateralFormatException {
    try {
      List<X509Certificate> chain = X509Codec.certificates(body.toByteArray());
      if (chain.size() != 2) {
        throw new CollateralFormatException(
            "a KDS cert_chain holds two certificates, this one " + chain.size());
      }
      return chain;
    } catch (CertificateException e) {
      throw new CollateralFormatException("not a certificate chain: " + e.getMessage());
    }
  }

  private static X509CRL crl(ByteString body) throws CollateralFormatException {
    try {
      return X509Codec.crl(body.toByteArray());
    } catch (CRLException e) {
      throw new CollateralFormatException("not a CRL: " + e.getMessage());
    }
  }

  /** A CRL without nextUpdate is never fresh: it is fetched again at every use. */
  private static Instant nextUpdate(X509CRL crl) {
    return crl.getNextUpdate() == null ? Instant.EPOCH : crl.getNextUpdate().toInstant();
  }

  private URI endpoint(String kind, Product product, String rest) {
    return URI.create(baseUrl + "/" + kind + "/v1/" + product.kdsName() + "/" + rest);
  }

  /** Settings with safe defaults: AMD's KDS, 10 s to connect, 30 s per request, 64 KiB bodies. */
  public static final class Builder {
    private final CollateralCache cache;
    private URI baseUrl = AMD_KDS;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private long maxResponseBytes = 64L << 10;
    private PcsClient.StaleListener staleListener = (url, nextUpdate, failure) -> {};

    private Builder(CollateralCache cache) {
      this.cache = cache;
    }

    /**
     * The KDS or a mirror, e.g. {@code https://kdsintf.amd.com}; a trailing {@code /} is dropped.
     */
    public Builder baseUrl(URI baseUrl) {
      String text = baseUrl.toString();
      while (text.endsWith("/")) {
        text = text.substring(0, text.length() - 1);
      }
      this.baseUrl = URI.create(text);
      return this;
    }

    public Builder requestTimeout(Duration requestTimeout) {
      if (requestTimeout.isNegative() || requestTimeout.isZero()) {
        throw new IllegalArgumentException("requestTimeout must be positive");
      }
      this.requestTimeout = requestTimeout;
      return this;
    }

    public Builder staleListener(PcsClient.StaleListener staleListener) {
      this.staleListener = staleListener;
      return this;
    }

    public KdsClient build() {
      return new KdsClient(this);
    }
  }
}
