package dev.mse.operator.proxy;

import static dev.mse.operator.proxy.HelloBuilder.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

class ClientHelloParserTest {
  private final ClientHelloParser parser = ClientHelloParser.standard();

  /** The first flight of a real JDK client, with SNI. */
  static byte[] jdkClientHello(String serverName) throws Exception {
    SSLEngine engine = SSLContext.getDefault().createSSLEngine(serverName, 443);
    engine.setUseClientMode(true);
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setServerNames(List.of(new SNIHostName(serverName)));
    parameters.setApplicationProtocols(new String[] {"h2", "http/1.1"});
    engine.setSSLParameters(parameters);
    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    byte[] bytes = new byte[out.remaining()];
    out.get(bytes);
    return bytes;
  }

  @Test
  void readsTheServerNameOfARealJdkClientHello() throws Exception {
    byte[] records = jdkClientHello("App-1.Apps.Example.com");

    ClientHello hello = parser.parse(records);

    assertThat(hello.serverName()).contains("app-1.apps.example.com");
    assertThat(hello.raw()).isEqualTo(records);
    assertThat(parser.read(new ByteArrayInputStream(records))).isEqualTo(hello);
  }

  @Test
  void readsExactlyTheHelloAndLeavesTheNextBytesInTheStream() throws Exception {
    byte[] records = hello().serverName("a.example").records();
    byte[] after = {23, 3, 3, 0, 1, 42};
    InputStream in = new ByteArrayInputStream(concat(records, after));

    ClientHello hello = parser.read(in);

    assertThat(hello.raw()).isEqualTo(records);
    assertThat(in.readAllBytes()).isEqualTo(after);
  }

  @Test
  void normalisesCaseAndOneTrailingDot() throws Exception {
    assertThat(parser.parse(hello().serverName("WWW.Example.ORG.").records()).serverName())
        .contains("www.example.org");
  }

  @Test
  void helloWithoutServerNameHasNone() throws Exception {
    assertThat(parser.parse(hello().extension(10, 8).records()).serverName()).isEmpty();
    assertThat(parser.parse(hello().noExtensions().records()).serverName()).isEmpty();
  }

  @Test
  void largePostQuantumHelloSplitAcrossRecordsAndTinyReads() throws Exception {
    byte[] handshake =
        hello()
            .serverName("pq.apps.example")
            .postQuantumKeyShares()
            .extension(21, 6000)
            .handshake();
    assertThat(handshake.length).isGreaterThan(8000);
    byte[] records = HelloBuilder.records(handshake, 1500);

    ClientHello hello = parser.read(new TrickleInputStream(records, 7));

    assertThat(hello.serverName()).contains("pq.apps.example");
    assertThat(hello.raw()).isEqualTo(records);
  }

  @Test
  void helloLargerThanOneRecordWithARaisedLimit() throws Exception {
    byte[] handshake = hello().serverName("big.example").extension(21, 40_000).handshake();
    byte[] records = HelloBuilder.records(handshake, 1 << 14);

    assertThatThrownBy(() -> parser.parse(records))
        .isInstanceOf(ClientHelloFormatException.class)
        .hasMessageContaining("above the limit");
    assertThat(new ClientHelloParser(64 * 1024).parse(records).serverName())
        .contains("big.example");
  }

  @Test
  void refusesWhatIsNotAClientHello() {
    byte[] good = hello().serverName("a.example").records();
    assertMalformed("HTTP/1.1 GET /\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertMalformed(Arrays.copyOf(good, good.length - 1));
    // an array must be exactly the hello; a stream keeps what follows (see the test above)
    assertThatThrownBy(() -> parser.parse(concat(good, new byte[] {0})))
        .isInstanceOf(ClientHelloFormatException.class);
    byte[] alert = good.clone();
    alert[0] = 21;
    assertMalformed(alert);
    byte[] serverHello = good.clone();
    serverHello[5] = 2;
    assertMalformed(serverHello);
    assertMalformed(new byte[] {22, 3, 1, 0, 0});
    assertMalformed(new byte[] {22, 3, 1, 0x40, 1});
  }

  @Test
  void refusesHostNamesThatAreNotDnsNames() {
    for (String bad :
        List.of(
            "a..b",
            "-a.example",
            "a-.example",
            "a_b.example",
            "a b",
            ".",
            "x".repeat(64) + ".example",
            ("a".repeat(60) + ".").repeat(5))) {
      assertMalformed(hello().serverName(bad).records());
    }
    assertMalformed(hello().serverNameBytes(new byte[] {'a', (byte) 0xc3, (byte) 0xa9}).records());
    assertMalformed(hello().serverNameBytes(new byte[] {'a', 0, 'b'}).records());
  }

  @Test
  void refusesDuplicatesAndInconsistentLengths() {
    assertMalformed(hello().serverName("a.example").extension(0, new byte[] {0, 0}).records());
    assertMalformed(hello().extension(10, 4).extension(10, 4).records());
    assertMalformed(hello().sessionIdLength(33).records());
    assertMalformed(hello().cipherSuites(0).records());
  }

  @Test
  void boundsTheNumberOfRecords() throws Exception {
    byte[] handshake = hello().serverName("a.example").extension(21, 200).handshake();
    assertThat(parser.parse(HelloBuilder.records(handshake, 8)).serverName()).isPresent();
    assertMalformed(HelloBuilder.records(handshake, 2));
  }

  @Test
  void endOfStreamMidHelloIsAFormatError() {
    byte[] good = hello().serverName("a.example").records();
    InputStream in = new ByteArrayInputStream(Arrays.copyOf(good, 20));
    assertThatThrownBy(() -> parser.read(in)).isInstanceOf(ClientHelloFormatException.class);
  }

  private void assertMalformed(byte[] records) {
    assertThatThrownBy(() -> parser.parse(records)).isInstanceOf(ClientHelloFormatException.class);
    assertThatThrownBy(() -> parser.read(new ByteArrayInputStream(records)))
        .isInstanceOf(ClientHelloFormatException.class);
  }

  static byte[] concat(byte[] a, byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(a);
    out.writeBytes(b);
    return out.toByteArray();
  }

  /** Hands out at most {@code chunk} bytes per read, like a slow network. */
  static final class TrickleInputStream extends InputStream {
    private final byte[] bytes;
    private final int chunk;
    private int position;

    TrickleInputStream(byte[] bytes, int chunk) {
      this.bytes = bytes;
      this.chunk = chunk;
    }

    @Override
    public int read() {
      return position < bytes.length ? bytes[position++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (position >= bytes.length) {
        return -1;
      }
      int n = Math.min(Math.min(len, chunk), bytes.length - position);
      System.arraycopy(bytes, position, b, off, n);
      position += n;
      return n;
    }
  }
}
