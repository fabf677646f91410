package dev.mse.attestation.collateral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.attestation.codec.ByteString;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcsClientTest {
  private static final ByteString SGX_FMSPC = ByteString.fromHex(FakePcs.SGX_FMSPC);
  private static final ByteString TDX_FMSPC = ByteString.fromHex(FakePcs.TDX_FMSPC);
  private static final String SGX_TCB = "/sgx/certification/v4/tcb?fmspc=" + FakePcs.SGX_FMSPC;

  /** Inside the validity of the SGX 0825 and TDX 0625 collateral sets. */
  private static final Instant AUGUST_2025 = Instant.parse("2025-08-20T00:00:00Z");

  @TempDir Path cacheDirectory;
  private FakePcs pcs;
  private MutableClock clock;
  private final List<URI> staleServed = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    pcs = FakePcs.withRealCollateral();
    clock = new MutableClock(AUGUST_2025);
  }

  @AfterEach
  void stop() {
    pcs.close();
  }

  private PcsClient.Builder client() {
    return PcsClient.builder(new CollateralCache(cacheDirectory.resolve("pcs"), clock))
        .baseUrl(pcs.baseUrl())
        .connectTimeout(Duration.ofSeconds(2))
        .requestTimeout(Duration.ofSeconds(5))
        .staleListener((url, nextUpdate, failure) -> staleServed.add(url));
  }

  private Collateral fetchSgx() throws IOException {
    try (PcsClient client = client().build()) {
      return client.fetch(SGX_FMSPC, false, "platform");
    }
  }

  @Test
  void assemblesSgxCollateralFromAPccs() throws Exception {
    Collateral collateral = fetchSgx();

    assertThat(collateral.tcbInfo())
        .isEqualTo(
            PcsResponseReader.tcbInfo(
                CollateralSets.bytes("sgx/automata/0825/sgx_tcbinfov3_00606a000000.json")));
    assertThat(collateral.qeIdentity())
        .isEqualTo(
            PcsResponseReader.enclaveIdentity(
                CollateralSets.bytes("sgx/automata/0825/sgx_qeidentity_v4.json")));
    assertThat(collateral.pckCrl())
        .isEqualTo(CrlReader.read(CollateralSets.bytes("sgx/automata/0825/platform_crl.der"), "x"));
    assertThat(collateral.rootCaCrl())
        .isEqualTo(
            CrlReader.read(
                CollateralSets.bytes("sgx/automata/common/intel_sgx_root_ca_crl.der"), "x"));
    assertThat(collateral.tcbInfoIssuerChain()).isEqualTo(IntelPcsDefaults.tcbSigningChain());
    assertThat(collateral.qeIdentityIssuerChain()).isEqualTo(IntelPcsDefaults.tcbSigningChain());
    assertThat(collateral.pckCrlIssuerChain())
        .isEqualTo(
            CollateralSets.chain(
                "sgx/automata/common/intel_sgx_pck_platform_ca.der",
                "roots/intel/Intel_SGX_Root_CA.der"));
    for (String path : FakePcs.sgxPaths()) {
      assertThat(pcs.hits(path)).as(path).isEqualTo(1);
    }
  }

  @Test
  void assemblesTdxCollateralWithOldHeaderNamesAndIntelsDerRootCrl() throws Exception {
    try (PcsClient client = client().rootCaCrlUrl(pcs.url("/IntelSGXRootCA.der")).build()) {
      Collateral collateral = client.fetch(TDX_FMSPC, true, "platform");

      assertThat(TcbInfoParser.parse(collateral.tcbInfo().body()).isTdx()).isTrue();
      assertThat(QeIdentityParser.parse(collateral.qeIdentity().body()).id()).isEqualTo("TD_QE");
      assertThat(collateral.tcbInfoIssuerChain()).isEqualTo(IntelPcsDefaults.tcbSigningChain());
      assertThat(pcs.hits("/IntelSGXRootCA.der")).isEqualTo(1);
      assertThat(pcs.hits("/sgx/certification/v4/rootcacrl")).isZero();
    }
  }

  @Test
  void acceptsAPccsUrlCopiedWithItsApiPath() throws Exception {
    try (PcsClient client =
        client().baseUrl(URI.create(pcs.baseUrl() + "/sgx/certification/v4/")).build()) {
      client.fetch(SGX_FMSPC, false, "platform");
    }

    assertThat(pcs.hits(SGX_TCB)).isEqualTo(1);
  }

  @Test
  void aFreshCacheHitMakesNoRequest() throws Exception {
    Collateral first = fetchSgx();
    int requests = pcs.totalHits();

    clock.advance(Duration.ofDays(7));
    Collateral second = fetchSgx();

    assertThat(requests).isEqualTo(4);
    assertThat(pcs.totalHits()).isEqualTo(requests);
    assertThat(second).isEqualTo(first);
    assertThat(staleServed).isEmpty();
  }

  @Test
  void aStalePartIsRefreshedAndOnlyThatPart() throws Exception {
    fetchSgx();

    // TCB Info, QE identity and PCK CRL are due in September 2025; the root CRL in April 2026.
    clock.set(Instant.parse("2025-10-01T00:00:00Z"));
    fetchSgx();

    assertThat(pcs.hits(SGX_TCB)).isEqualTo(2);
    assertThat(pcs.hits("/sgx/certification/v4/qe/identity")).isEqualTo(2);
    assertThat(pcs.hits("/sgx/certification/v4/pckcrl?ca=platform&encoding=der")).isEqualTo(2);
    assertThat(pcs.hits("/sgx/certification/v4/rootcacrl")).isEqualTo(1);
  }

  @Test
  void whenTheServerIsDownAStaleCopyIsServedAndReported() throws Exception {
    Collateral fetched = fetchSgx();
    pcs.stop();
    clock.set(Instant.parse("2027-01-01T00:00:00Z"));

    Collateral served = fetchSgx();

    assertThat(served).isEqualTo(fetched);
    assertThat(staleServed)
        .containsExactlyInAnyOrderElementsOf(FakePcs.sgxPaths().stream().map(pcs::url).toList());
  }

  @Test
  void whenTheServerIsDownAndNothingIsCachedTheFetchFails() {
    pcs.stop();

    assertThatThrownBy(this::fetchSgx)
        .isInstanceOf(PcsException.class)
        .satisfies(
            e -> {
              PcsException failure = (PcsException) e;
              assertThat(failure.url()).isEqualTo(pcs.url(SGX_TCB));
              assertThat(failure.status()).isEmpty();
            });
  }

  @Test
  void anErrorStatusNamesTheStatusAndTheUrl() {
    ByteString unknown = ByteString.fromHex("00A067110000");

    assertThatThrownBy(
            () -> {
              try (PcsClient client = client().build()) {
                client.fetch(unknown, false, "processor");
              }
            })
        .isInstanceOf(PcsException.class)
        .hasMessageContaining("HTTP 404")
        .satisfies(
            e -> {
              assertThat(((PcsException) e).status()).hasValue(404);
              assertThat(((PcsException) e).url().toString())
                  .endsWith("/sgx/certification/v4/tcb?fmspc=00A067110000");
            });
  }

  @Test
  void tenConcurrentFetchesOfOneKeyMakeOneRequestEach() throws Exception {
    pcs.route(SGX_TCB, pcs.route(SGX_TCB).delayed(Duration.ofMillis(400)));
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Collateral>> results = new ArrayList<>();
    try (PcsClient client = client().build();
        ExecutorService threads = Executors.newFixedThreadPool(10)) {
      for (int i = 0; i < 10; i++) {
        results.add(
            threads.submit(
                () -> {
                  start.await();
                  return client.fetch(SGX_FMSPC, false, "platform");
                }));
      }
      start.countDown();
      Collateral first = results.getFirst().get();
      for (Future<Collateral> result : results) {
        assertThat(result.get()).isEqualTo(first);
      }
    }

    for (String path : FakePcs.sgxPaths()) {
      assertThat(pcs.hits(path)).as(path).isEqualTo(1);
    }
  }

  @Test
  void anOversizeBodyIsAnError() {
    byte[] big = new byte[200 * 1024];
    pcs.route(SGX_TCB, FakePcs.Route.ok(big, Map.of()));

    assertThatThrownBy(
            () -> {
              try (PcsClient client = client().maxResponseBytes(64 * 1024).build()) {
                client.fetch(SGX_FMSPC, false, "platform");
              }
            })
        .isInstanceOf(PcsException.class)
        .hasMessageContaining("larger than 65536 bytes");
  }

  @Test
  void anErrorPageLargerThanTheLimitStillReportsItsStatus() {
    pcs.route(
        SGX_TCB, new FakePcs.Route(503, new byte[200 * 1024], Map.of(), Duration.ZERO, false));

    assertThatThrownBy(
            () -> {
              try (PcsClient client = client().maxResponseBytes(64 * 1024).build()) {
                client.fetch(SGX_FMSPC, false, "platform");
              }
            })
        .isInstanceOf(PcsException.class)
        .hasMessageContaining("HTTP 503");
  }

  @Test
  void theRootCaCrlComesFromIntelForPcsAndFromRootcacrlForAPccs() {
    CollateralCache cache = new CollateralCache(cacheDirectory, clock);
    try (PcsClient intel = PcsClient.builder(cache).build();
        PcsClient intelWithSlash =
            PcsClient.builder(cache)
                .baseUrl(URI.create("https://api.trustedservices.intel.com/"))
                .build();
        PcsClient pccs =
            PcsClient.builder(cache).baseUrl(URI.create("https://pccs.example:8081")).build()) {
      assertThat(intel.rootCaCrlUrl()).isEqualTo(IntelPcsDefaults.ROOT_CA_CRL_URL);
      assertThat(intelWithSlash.rootCaCrlUrl()).isEqualTo(IntelPcsDefaults.ROOT_CA_CRL_URL);
      assertThat(pccs.rootCaCrlUrl())
          .isEqualTo(URI.create("https://pccs.example:8081/sgx/certification/v4/rootcacrl"));
    }
  }

  @Test
  void anOversizeBodyWithoutContentLengthIsStoppedWhileReading() {
    byte[] big = new byte[200 * 1024];
    pcs.route(SGX_TCB, FakePcs.Route.ok(big, Map.of()).chunkedBody());

    assertThatThrownBy(
            () -> {
              try (PcsClient client = client().maxResponseBytes(64 * 1024).build()) {
                client.fetch(SGX_FMSPC, false, "platform");
              }
            })
        .isInstanceOf(PcsException.class)
        .hasMessageContaining("larger than 65536 bytes");
  }

  @Test
  void aSlowServerTimesOut() {
    pcs.route(SGX_TCB, pcs.route(SGX_TCB).delayed(Duration.ofSeconds(3)));
    long started = System.nanoTime();

    assertThatThrownBy(
            () -> {
              try (PcsClient client = client().requestTimeout(Duration.ofMillis(300)).build()) {
                client.fetch(SGX_FMSPC, false, "platform");
              }
            })
        .isInstanceOf(PcsException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2500));
  }

  @Test
  void aMalformedAnswerIsNotCachedAndTheGoodCopyIsKept() throws Exception {
    Collateral good = fetchSgx();
    pcs.route(SGX_TCB, FakePcs.Route.ok("{\"tcbInfo\":{}}".getBytes(), Map.of()));
    clock.set(Instant.parse("2025-10-01T00:00:00Z"));

    Collateral served = fetchSgx();

    assertThat(served.tcbInfo()).isEqualTo(good.tcbInfo());
    assertThat(staleServed).containsExactly(pcs.url(SGX_TCB));
  }

  @Test
  void aTcbInfoForAnotherPlatformIsRejected() {
    pcs.route(
        SGX_TCB,
        new FakePcs.Route(
            200,
            CollateralSets.bytes("tdx/automata/0625/tcbinfov3_00806f050000.json").toByteArray(),
            pcs.route(SGX_TCB).headers(),
            Duration.ZERO,
            false));

    assertThatThrownBy(this::fetchSgx)
        .isInstanceOf(PcsException.class)
        .hasMessageContaining(
            "TCB Info is for TDX FMSPC 00806f050000, asked for SGX FMSPC 00606a000000");
  }

  @Test
  void aTcbInfoWithoutItsIssuerChainIsRejected() {
    pcs.route(
        SGX_TCB,
        FakePcs.Route.ok(
            CollateralSets.bytes("sgx/automata/0825/sgx_tcbinfov3_00606a000000.json").toByteArray(),
            Map.of()));

    assertThatThrownBy(this::fetchSgx)
        .isInstanceOf(PcsException.class)
        .hasMessageContaining("missing header tcb-info-issuer-chain");
  }

  @Test
  void aPckCrlWithoutIssuerChainLeavesTheChainToTheVerifier() throws Exception {
    String path = "/sgx/certification/v4/pckcrl?ca=platform&encoding=der";
    pcs.route(path, FakePcs.Route.ok(pcs.route(path).body(), Map.of()));

    assertThat(fetchSgx().pckCrlIssuerChain()).isEmpty();
  }

  @Test
  void cacheFilesAreReadableByTheOwnerOnly() throws Exception {
    fetchSgx();
    Path directory = cacheDirectory.resolve("pcs");

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)))
        .isEqualTo("rwx------");
    try (Stream<Path> files = Files.list(directory)) {
      List<Path> all = files.toList();
      assertThat(all).hasSize(4);
      for (Path file : all) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
            .as(file.toString())
            .isEqualTo("rw-------");
      }
    }
  }

  @Test
  void rejectsBadArguments() throws Exception {
    try (PcsClient client = client().build()) {
      assertThatThrownBy(() -> client.fetch(ByteString.fromHex("0060"), false, "platform"))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> client.fetch(SGX_FMSPC, false, "root"))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void percentDecodingKeepsBase64PlusSigns() throws Exception {
    assertThat(new String(PcsClient.percentDecode("a+b%2Bc%20d%0A", "h"))).isEqualTo("a+b+c d\n");
    assertThatThrownBy(() -> PcsClient.percentDecode("%G0", "h"))
        .hasMessageContaining("bad percent");
    assertThatThrownBy(() -> PcsClient.percentDecode("%2", "h"))
        .hasMessageContaining("bad percent");
    assertThatThrownBy(() -> PcsClient.percentDecode("é", "h")).hasMessageContaining("non-ASCII");
  }
}
