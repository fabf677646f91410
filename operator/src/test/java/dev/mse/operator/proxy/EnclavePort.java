package dev.mse.operator.proxy;

import dev.mse.attestation.codec.ByteString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * A node's enclave port for the proxy's tests: TLS with the enclave's RA-TLS certificate, and
 * {@code GET /.well-known/mse/evidence?nonce=&spki=} answered as the runtime answers it (or as a
 * test's liar does). One request per connection ({@code Connection: close}).
 */
final class EnclavePort implements AutoCloseable {
  private final TestBackend server;
  private final AtomicInteger evidenceRequests = new AtomicInteger();

  private EnclavePort(
      RaTlsNode node,
      BiFunction<Optional<ByteString>, Optional<ByteString>, RaTlsNode.Answer> answer)
      throws IOException {
    this.server = TestBackend.tls(node.serverContext(), s -> serve(s, answer));
  }

  /** The honest enclave port of {@code node}. */
  static EnclavePort of(RaTlsNode node) throws IOException {
    return new EnclavePort(node, node::evidence);
  }

  /** An enclave port that answers with {@code answer(nonce, spki)}. */
  static EnclavePort answering(
      RaTlsNode node,
      BiFunction<Optional<ByteString>, Optional<ByteString>, RaTlsNode.Answer> answer)
      throws IOException {
    return new EnclavePort(node, answer);
  }

  InetSocketAddress address() {
    return server.address();
  }

  /** How many evidence requests reached this port. */
  int evidenceRequests() {
    return evidenceRequests.get();
  }

  private void serve(
      Socket s, BiFunction<Optional<ByteString>, Optional<ByteString>, RaTlsNode.Answer> answer)
      throws IOException {
    String head = readHead(s.getInputStream());
    String[] line = head.split("\r\n", 2)[0].split(" ");
    RaTlsNode.Answer reply;
    if (line.length == 3
        && line[0].equals("GET")
        && line[1].startsWith("/.well-known/mse/evidence")) {
      evidenceRequests.incrementAndGet();
      URI uri = URI.create(line[1]);
      reply = answer.apply(query(uri, "nonce"), query(uri, "spki"));
    } else {
      reply = new RaTlsNode.Answer(404, "{\"error\": \"not found\"}");
    }
    byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
    OutputStream out = s.getOutputStream();
    out.write(
        ("HTTP/1.1 "
                + reply.status()
                + (reply.status() == 200 ? " OK" : " Not Found")
                + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length
                + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
  }

  private static Optional<ByteString> query(URI uri, String name) {
    String q = uri.getRawQuery();
    if (q == null) {
      return Optional.empty();
    }
    for (String pair : q.split("&")) {
      if (pair.startsWith(name + "=")) {
        return Optional.of(
            ByteString.of(HexFormat.of().parseHex(pair.substring(name.length() + 1))));
      }
    }
    return Optional.empty();
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    int b;
    while (matched < 4 && (b = in.read()) >= 0 && head.size() < 16 * 1024) {
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
