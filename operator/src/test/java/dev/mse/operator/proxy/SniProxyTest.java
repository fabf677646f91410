package dev.mse.operator.proxy;

import static dev.mse.operator.proxy.HelloBuilder.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.attestation.codec.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SniProxyTest {
  private static final ByteString CONFIG = RaTlsNode.sha256("deployment config");
  private static final TestIdentity OPERATOR = TestIdentity.selfSigned("*.apps.test");

  private final Map<String, Route> routes = new ConcurrentHashMap<>();
  private final CountingMetrics metrics = new CountingMetrics();
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
  }

  private ProxyConfig config() {
    return ProxyConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(30))
        .withTerminate(OPERATOR.serverContext());
  }

  private SniProxy proxy(ProxyConfig config) throws IOException {
    SniProxy proxy =
        new SniProxy(
            config,
            name -> Optional.ofNullable(routes.get(name)),
            new RaTlsUpstreamTrust(RaTlsNode.SIMULATION_ALLOWED, route -> nameOf(route)),
            metrics);
    closing.add(proxy);
    return proxy.start();
  }

  private String nameOf(Route route) {
    return routes.entrySet().stream()
        .filter(e -> e.getValue().equals(route))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElseThrow();
  }

  private <T extends AutoCloseable> T closeLater(T c) {
    closing.add(c);
    return c;
  }

  private Route route(String name, TestBackend backend, Route.Mode mode, ByteString config) {
    Route r = new Route(UUID.randomUUID(), backend.address(), mode, config);
    routes.put(name, r);
    return r;
  }

  private Socket connect(SniProxy proxy) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
    s.setSoTimeout(10_000);
    closing.add(s);
    return s;
  }

  private SSLSocket tlsClient(SSLContext trust, SniProxy proxy, String name) throws IOException {
    SSLSocket s =
        (SSLSocket)
            trust.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), proxy.port());
    SSLParameters p = s.getSSLParameters();
    p.setServerNames(List.of(new SNIHostName(name)));
    p.setEndpointIdentificationAlgorithm("HTTPS");
    s.setSSLParameters(p);
    s.setSoTimeout(10_000);
    closing.add(s);
    return s;
  }

  // --- passthrough ---

  @Test
  void passthroughShowsTheBackendCertificateAndRoundTripsMegabytes() throws Exception {
    TestIdentity backendId = TestIdentity.selfSigned("app1.apps.test");
    TestBackend backend = closeLater(TestBackend.tls(backendId.serverContext(), TestBackend::echo));
    Route r = route("app1.apps.test", backend, Route.Mode.PASSTHROUGH, CONFIG);
    SniProxy proxy = proxy(config());

    SSLSocket client = tlsClient(backendId.clientContext(), proxy, "App1.Apps.Test");
    client.startHandshake();
    assertThat(client.getSession().getPeerCertificates()[0]).isEqualTo(backendId.certificate());

    byte[] upload = new byte[6 * 1024 * 1024];
    new Random(1).nextBytes(upload);
    Thread writer =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    OutputStream out = client.getOutputStream();
                    for (int at = 0; at < upload.length; at += 100_000) {
                      out.write(upload, at, Math.min(100_000, upload.length - at));
                    }
                    out.flush();
                  } catch (IOException e) {
                    throw new IllegalStateException(e);
                  }
                });
    byte[] echoed = client.getInputStream().readNBytes(upload.length);
    writer.join();
    assertThat(MessageDigest.getInstance("SHA-256").digest(echoed))
        .isEqualTo(MessageDigest.getInstance("SHA-256").digest(upload));
    client.close();

    CountingMetrics.Closed closed = metrics.awaitClosed(r.appId());
    assertThat(closed.in()).isGreaterThan(upload.length);
    assertThat(closed.out()).isGreaterThan(upload.length);
    assertThat(metrics.opened.get()).isEqualTo(1);
  }

  @Test
  void passthroughHalfClosesEachWay() throws Exception {
    byte[] helloBytes = hello().serverName("half.apps.test").records();
    TestBackend backend =
        closeLater(
            TestBackend.plain(
                s -> {
                  // reads the request to its end (the client's FIN), then answers and closes
                  byte[] request = s.getInputStream().readAllBytes();
                  s.getOutputStream()
                      .write(("got " + request.length).getBytes(StandardCharsets.US_ASCII));
                }));
    route("half.apps.test", backend, Route.Mode.PASSTHROUGH, CONFIG);
    SniProxy proxy = proxy(config());

    Socket client = connect(proxy);
    client.getOutputStream().write(helloBytes);
    client.getOutputStream().write(new byte[5000]);
    client.shutdownOutput();

    String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    assertThat(answer).isEqualTo("got " + (helloBytes.length + 5000));
  }

  @Test
  void passthroughAssemblesAHelloThatArrivesInPieces() throws Exception {
    // the relay loop reads without blocking: a hello cut in three, with pauses so each piece is
    // read on its own, must be parsed whole and replayed whole, with what followed it
    byte[] helloBytes = hello().serverName("pieces.apps.test").records();
    TestBackend backend = closeLater(TestBackend.plain(TestBackend::echo));
    route("pieces.apps.test", backend, Route.Mode.PASSTHROUGH, CONFIG);
    SniProxy proxy = proxy(config());

    try (Socket client = connect(proxy)) {
      OutputStream out = client.getOutputStream();
      out.write(helloBytes, 0, 3); // not even a whole record header
      out.flush();
      Thread.sleep(100);
      out.write(helloBytes, 3, helloBytes.length / 2 - 3);
      out.flush();
      Thread.sleep(100);
      out.write(helloBytes, helloBytes.length / 2, helloBytes.length - helloBytes.length / 2);
      out.write("after".getBytes(StandardCharsets.US_ASCII));
      client.shutdownOutput();
      assertThat(client.getInputStream().readAllBytes())
          .isEqualTo(
              ClientHelloParserTest.concat(
                  helloBytes, "after".getBytes(StandardCharsets.US_ASCII)));
    }
  }

  @Test
  void passthroughKeepsEveryByteForASlowReader() throws Exception {
    int size = 24 * 1024 * 1024;
    TestBackend backend =
        closeLater(
            TestBackend.plain(
                s -> {
                  s.getInputStream()
                      .readNBytes(hello().serverName("slow-reader.apps.test").records().length);
                  byte[] chunk = new byte[64 * 1024];
                  for (int i = 0; i < chunk.length; i++) {
                    chunk[i] = (byte) i;
                  }
                  OutputStream out = s.getOutputStream();
                  for (int sent = 0; sent < size; sent += chunk.length) {
                    out.write(chunk);
                  }
                }));
    Route r = route("slow-reader.apps.test", backend, Route.Mode.PASSTHROUGH, CONFIG);
    SniProxy proxy = proxy(config().withBufferSize(16 * 1024));

    Socket client = connect(proxy);
    client.getOutputStream().write(hello().serverName("slow-reader.apps.test").records());
    InputStream in = client.getInputStream();
    byte[] buffer = new byte[4096];
    long received = 0;
    boolean ordered = true;
    int n;
    while ((n = in.read(buffer)) >= 0) {
      for (int i = 0; i < n; i++) {
        ordered &= buffer[i] == (byte) ((received + i) % (64 * 1024));
      }
      received += n;
      if (received < 2 * 1024 * 1024) {
        Thread.sleep(1); // slower than the node at first: the proxy must hold back, not drop
      }
    }
    assertThat(received).isEqualTo(size);
    assertThat(ordered).isTrue();
    client.close(); // the node's end was a half-close: the relay ends when the client's side does
    assertThat(metrics.awaitClosed(r.appId()).out()).isEqualTo(size);
  }

  @Test
  void closingTheProxyEndsOpenConnections() throws Exception {
    TestBackend backend = closeLater(TestBackend.plain(TestBackend::echo));
    route("open.apps.test", backend, Route.Mode.PASSTHROUGH, CONFIG);
    SniProxy proxy = proxy(config());
    Socket client = connect(proxy);
    byte[] helloBytes = hello().serverName("open.apps.test").records();
    client.getOutputStream().write(helloBytes);
    assertThat(client.getInputStream().readNBytes(helloBytes.length)).isEqualTo(helloBytes);

    proxy.close();

    int read;
    try {
      read = client.getInputStream().read();
    } catch (IOException reset) {
      read = -1;
    }
    assertThat(read).isEqualTo(-1);
    assertThat(proxy.openConnections()).isZero();
  }

  // --- refusals ---

  @Test
  void unknownNameGetsUnrecognizedNameAlert() throws Exception {
    SniProxy proxy = proxy(config());
    assertThat(alertFor(proxy, hello().serverName("nope.apps.test").records())).isEqualTo(112);
  }

  @Test
  void emptyRouteTableRefusesEveryName() throws Exception {
    SniProxy proxy = proxy(config());
    assertThat(routes).isEmpty();
    assertThat(alertFor(proxy, ClientHelloParserTest.jdkClientHello("x.apps.test"))).isEqualTo(112);
  }

  @Test
  void noServerNameGetsHandshakeFailureAlert() throws Exception {
    SniProxy proxy = proxy(config());
    assertThat(alertFor(proxy, hello().extension(10, 4).records())).isEqualTo(40);
  }

  @Test
  void garbageGetsDecodeErrorAlert() throws Exception {
    SniProxy proxy = proxy(config());
    assertThat(
            alertFor(
                proxy, "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo(50);
  }

  @Test
  void aThrowingRouteTableRefusesTheConnectionOnly() throws Exception {
    SniProxy proxy =
        new SniProxy(
            config(),
            name -> {
              throw new IllegalStateException("database down");
            },
            UpstreamTrust.NONE,
            metrics);
    closing.add(proxy.start());
    assertThat(alertFor(proxy, hello().serverName("a.apps.test").records())).isEqualTo(112);
    assertThat(alertFor(proxy, hello().serverName("b.apps.test").records())).isEqualTo(112);
  }

  @Test
  void unreachableNodeGetsInternalErrorAlert() throws Exception {
    TestBackend gone = TestBackend.plain(TestBackend::echo);
    route("gone.apps.test", gone, Route.Mode.PASSTHROUGH, CONFIG);
    gone.close();
    SniProxy proxy = proxy(config());
    assertThat(alertFor(proxy, hello().serverName("gone.apps.test").records())).isEqualTo(80);
  }

  @Test
  void connectionsAboveTheLimitAreRefused() throws Exception {
    TestBackend backend = closeLater(TestBackend.plain(TestBackend::echo));
    route("lim.apps.test", backend, Route.Mode.PASSTHROUGH, CONFIG);
    SniProxy proxy = proxy(config().withMaxConnections(2, 2));

    Socket first = connect(proxy);
    Socket second = connect(proxy);
    awaitOpen(proxy, 2);
    Socket third = connect(proxy);
    assertThat(third.getInputStream().readAllBytes()).isEqualTo(TlsAlert.INTERNAL_ERROR.record());

    first.close();
    second.close();
    awaitOpen(proxy, 0);
    assertThat(echoThrough(proxy, "lim.apps.test", "again")).isEqualTo("again");
  }

  @Test
  void connectionsAboveThePerAppLimitAreRefused() throws Exception {
    TestBackend backend = closeLater(TestBackend.plain(TestBackend::echo));
    route("busy.apps.test", backend, Route.Mode.PASSTHROUGH, CONFIG);
    route("calm.apps.test", backend, Route.Mode.PASSTHROUGH, CONFIG);
    SniProxy proxy = proxy(config().withMaxConnections(10, 1));

    Socket held = connect(proxy);
    held.getOutputStream().write(hello().serverName("busy.apps.test").records());
    metrics.awaitOpened(1);

    assertThat(alertFor(proxy, hello().serverName("busy.apps.test").records())).isEqualTo(80);
    assertThat(echoThrough(proxy, "calm.apps.test", "other app")).isEqualTo("other app");
  }

  @Test
  void slowClientHelloTimesOutAsAWhole() throws Exception {
    SniProxy proxy =
        proxy(
            config()
                .withTimeouts(
                    Duration.ofMillis(400), Duration.ofSeconds(5), Duration.ofSeconds(5)));
    byte[] records = hello().serverName("slow.apps.test").records();

    Socket client = connect(proxy);
    long start = System.nanoTime();
    OutputStream out = client.getOutputStream();
    // a byte every 100 ms: each read is quick, the whole hello is not
    for (int i = 0; i < 10; i++) {
      try {
        out.write(records[i]);
      } catch (IOException closedByProxy) {
        break;
      }
      Thread.sleep(100);
    }
    InputStream in = client.getInputStream();
    int read;
    try {
      read = in.read();
    } catch (IOException reset) {
      read = -1;
    }
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
    assertThat(read).isEqualTo(-1);
    assertThat(elapsedMillis).isLessThan(3_000);
  }

  @Test
  void idleConnectionsAreClosed() throws Exception {
    TestBackend backend = closeLater(TestBackend.plain(TestBackend::echo));
    route("idle.apps.test", backend, Route.Mode.PASSTHROUGH, CONFIG);
    SniProxy proxy =
        proxy(
            config()
                .withTimeouts(
                    Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(300)));
    Socket client = connect(proxy);
    byte[] helloBytes = hello().serverName("idle.apps.test").records();
    client.getOutputStream().write(helloBytes);
    assertThat(client.getInputStream().readNBytes(helloBytes.length)).isEqualTo(helloBytes);
    long start = System.nanoTime();
    assertThat(client.getInputStream().read()).isEqualTo(-1);
    assertThat((System.nanoTime() - start) / 1_000_000).isBetween(100L, 3_000L);
  }

  // --- terminate ---

  /**
   * A terminated route to a node: the app port serves {@code appPort}, the enclave port answers
   * fresh evidence for {@code enclave}.
   */
  private Route terminated(String name, UUID app, TestBackend appPort, EnclavePort enclave) {
    Route r = new Route(app, appPort.address(), enclave.address(), Route.Mode.TERMINATE, CONFIG);
    routes.put(name, r);
    return r;
  }

  @Test
  void terminateReachesAnAppPortTheEnclaveVouchesFor() throws Exception {
    UUID app = UUID.randomUUID();
    RaTlsNode enclave = RaTlsNode.create(app, CONFIG, "app2.apps.test");
    EnclavePort enclavePort = closeLater(EnclavePort.of(enclave));
    TestBackend node = closeLater(TestBackend.tls(enclave.serverContext(), TestBackend::echo));
    terminated("app2.apps.test", app, node, enclavePort);
    SniProxy proxy = proxy(config());

    SSLSocket client = tlsClient(OPERATOR.clientContext(), proxy, "app2.apps.test");
    client.startHandshake();
    assertThat(client.getSession().getPeerCertificates()[0]).isEqualTo(OPERATOR.certificate());
    assertThat(client.getApplicationProtocol()).isIn("", "http/1.1");
    client.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(new String(client.getInputStream().readNBytes(18), StandardCharsets.US_ASCII))
        .isEqualTo("GET / HTTP/1.1\r\n\r\n");
    client.close();
    CountingMetrics.Closed closed = metrics.awaitClosed(app);
    assertThat(closed.in()).isEqualTo(18);
    assertThat(closed.out()).isEqualTo(18);
    assertThat(enclavePort.evidenceRequests()).isEqualTo(1);
  }

  @Test
  void terminateFailsClosedOnTheWrongConfigDigest() throws Exception {
    UUID app = UUID.randomUUID();
    AtomicLong received = new AtomicLong();
    RaTlsNode enclave = RaTlsNode.create(app, RaTlsNode.sha256("another config"), "app3.apps.test");
    TestBackend node =
        closeLater(
            TestBackend.tls(
                enclave.serverContext(),
                s -> received.addAndGet(s.getInputStream().readAllBytes().length)));
    terminated("app3.apps.test", app, node, closeLater(EnclavePort.of(enclave)));
    SniProxy proxy = proxy(config());

    assertRefusedOverTls(proxy, "app3.apps.test");
    assertThat(received.get()).isZero();
    assertThat(metrics.opened.get()).isZero();
  }

  @Test
  void terminateFailsClosedOnAnAppPortServingAKeyTheEnclaveDoesNotHold() throws Exception {
    UUID app = UUID.randomUUID();
    RaTlsNode enclave = RaTlsNode.create(app, CONFIG, "app4.apps.test");
    EnclavePort enclavePort = closeLater(EnclavePort.of(enclave));
    // the app port answers with another key for the right name: not the enclave's app
    TestIdentity plain = TestIdentity.selfSigned("app4.apps.test");
    AtomicLong received = new AtomicLong();
    TestBackend node =
        closeLater(
            TestBackend.tls(
                plain.serverContext(),
                s -> received.addAndGet(s.getInputStream().readAllBytes().length)));
    terminated("app4.apps.test", app, node, enclavePort);
    SniProxy proxy = proxy(config());

    assertRefusedOverTls(proxy, "app4.apps.test");
    assertThat(received.get()).isZero();
    assertThat(enclavePort.evidenceRequests()).isEqualTo(1);
  }

  @Test
  void terminateFailsClosedOnAnotherAppsNode() throws Exception {
    RaTlsNode other = RaTlsNode.create(UUID.randomUUID(), CONFIG, "app5.apps.test");
    TestBackend node = closeLater(TestBackend.tls(other.serverContext(), TestBackend::echo));
    terminated("app5.apps.test", UUID.randomUUID(), node, closeLater(EnclavePort.of(other)));
    SniProxy proxy = proxy(config());

    assertRefusedOverTls(proxy, "app5.apps.test");
  }

  // --- load ---

  @Test
  @Timeout(30)
  void thousandConcurrentConnections() throws Exception {
    int n = 1000;
    TestBackend backend = closeLater(TestBackend.plain(TestBackend::echo));
    route("many.apps.test", backend, Route.Mode.PASSTHROUGH, CONFIG);
    // all from one loopback address: lift the per-source share for this load test
    SniProxy proxy =
        proxy(config().withBacklog(2048).withBufferSize(16 * 1024).withMaxConnectionsPerSource(n));
    byte[] helloBytes = hello().serverName("many.apps.test").records();
    byte[] payload = new byte[4096];
    new Random(7).nextBytes(payload);

    CountDownLatch allOpen = new CountDownLatch(n);
    CountDownLatch done = new CountDownLatch(n);
    AtomicLong failures = new AtomicLong();
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      Thread.ofVirtual()
          .start(
              () -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
                  s.setSoTimeout(20_000);
                  OutputStream out = s.getOutputStream();
                  out.write(helloBytes);
                  out.write(payload);
                  InputStream in = s.getInputStream();
                  byte[] back = in.readNBytes(helloBytes.length + payload.length);
                  allOpen.countDown();
                  // every connection stays open until all are: a thousand at once
                  allOpen.await(20, TimeUnit.SECONDS);
                  if (!java.util.Arrays.equals(
                      back, ClientHelloParserTest.concat(helloBytes, payload))) {
                    failures.incrementAndGet();
                  }
                } catch (Exception e) {
                  failures.incrementAndGet();
                  allOpen.countDown();
                } finally {
                  done.countDown();
                }
              });
    }
    assertThat(done.await(25, TimeUnit.SECONDS)).isTrue();
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(failures.get()).isZero();
    System.out.printf("1000 concurrent connections through the proxy in %d ms%n", millis);
  }

  // --- helpers ---

  private void assertRefusedOverTls(SniProxy proxy, String name) throws IOException {
    SSLSocket client = tlsClient(OPERATOR.clientContext(), proxy, name);
    assertThatThrownBy(
            () -> {
              client.startHandshake();
              client.getOutputStream().write("secret".getBytes(StandardCharsets.US_ASCII));
              client.getInputStream().read();
            })
        .isInstanceOf(SSLException.class);
  }

  private int alertFor(SniProxy proxy, byte[] bytes) throws IOException {
    try (Socket s = connect(proxy)) {
      s.getOutputStream().write(bytes);
      byte[] answer = s.getInputStream().readAllBytes();
      assertThat(answer).hasSize(7);
      assertThat(answer[0]).isEqualTo((byte) 21);
      assertThat(answer[5]).isEqualTo((byte) 2);
      return answer[6] & 0xff;
    }
  }

  private String echoThrough(SniProxy proxy, String name, String text) throws IOException {
    try (Socket s = connect(proxy)) {
      byte[] helloBytes = hello().serverName(name).records();
      s.getOutputStream().write(helloBytes);
      s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
      s.shutdownOutput();
      byte[] all = s.getInputStream().readAllBytes();
      return new String(
          all, helloBytes.length, all.length - helloBytes.length, StandardCharsets.US_ASCII);
    }
  }

  private static void awaitOpen(SniProxy proxy, int count) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (proxy.openConnections() != count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(proxy.openConnections()).isEqualTo(count);
  }

  /** Metrics that tests can wait on. */
  static final class CountingMetrics implements ProxyMetrics {
    record Closed(long in, long out) {}

    final AtomicLong opened = new AtomicLong();
    final Map<UUID, Closed> closed = new ConcurrentHashMap<>();

    @Override
    public void connectionOpened(UUID appId) {
      opened.incrementAndGet();
    }

    @Override
    public void connectionClosed(UUID appId, long bytesIn, long bytesOut) {
      closed.put(appId, new Closed(bytesIn, bytesOut));
    }

    Closed awaitClosed(UUID app) throws InterruptedException {
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (!closed.containsKey(app) && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(closed).containsKey(app);
      return closed.get(app);
    }

    void awaitOpened(long count) throws InterruptedException {
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (opened.get() < count && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(opened.get()).isGreaterThanOrEqualTo(count);
    }
  }
}
