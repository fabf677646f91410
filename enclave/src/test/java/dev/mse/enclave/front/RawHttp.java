package dev.mse.enclave.front;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * An HTTP/1.1 client over one TLS connection, written by hand so tests control exactly what goes on
 * the connection: keep-alive, pipelining, and when it closes.
 */
final class RawHttp implements AutoCloseable {
  final SSLSocket socket;
  private final InputStream in;
  private final OutputStream out;

  record Response(int status, Map<String, String> headers, String body) {}

  RawHttp(SSLContext tls, int port) throws IOException {
    this(tls, port, tls.getDefaultSSLParameters().getProtocols());
  }

  /** Over a connection that offers only {@code protocols} (TLS versions). */
  RawHttp(SSLContext tls, int port, String... protocols) throws IOException {
    socket = (SSLSocket) tls.getSocketFactory().createSocket("localhost", port);
    socket.setEnabledProtocols(protocols);
    socket.setSoTimeout(10_000);
    socket.startHandshake();
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  void send(String... requests) throws IOException {
    out.write(String.join("", requests).getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  static String get(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
  }

  Response get1(String path) throws IOException {
    send(get(path));
    return read();
  }

  /** Reads one response: Content-Length or chunked body. */
  Response read() throws IOException {
    return read(false);
  }

  /** Reads one response, with no body when it answers a HEAD request. */
  Response read(boolean head) throws IOException {
    String status = line();
    if (status == null) {
      throw new IOException("closed");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (String l = line(); l != null && !l.isEmpty(); l = line()) {
      int colon = l.indexOf(':');
      headers.put(l.substring(0, colon).toLowerCase(Locale.ROOT), l.substring(colon + 1).strip());
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (head) {
      // No body follows, whatever the fields say.
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      for (int size = Integer.parseInt(line().strip(), 16); size > 0; ) {
        body.write(in.readNBytes(size));
        line();
        size = Integer.parseInt(line().strip(), 16);
      }
      line();
    } else if (headers.containsKey("content-length")) {
      body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
    }
    return new Response(
        Integer.parseInt(status.substring(9, 12)), headers, body.toString(StandardCharsets.UTF_8));
  }

  /** Whether the server closed the connection (within the read timeout). */
  boolean closedByServer() {
    try {
      return in.read() < 0;
    } catch (IOException e) {
      return true;
    }
  }

  private String line() throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c = in.read(); c >= 0; c = in.read()) {
      if (c == '\n') {
        int n = b.length();
        return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
      }
      b.append((char) c);
    }
    return b.isEmpty() ? null : b.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
