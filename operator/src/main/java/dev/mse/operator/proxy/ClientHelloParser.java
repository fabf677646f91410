package dev.mse.operator.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Reads the TLS records that carry a ClientHello and takes the SNI host name out of it, keeping
 * every byte read so the proxy can replay them to the node (RFC 8446 §4.1.2 and §5.1, RFC 6066 §3).
 *
 * <p>Hostile input is the normal case here: every length is checked against what is left and
 * against a bound before anything is allocated, the number of records is bounded, and the only
 * exception for bad bytes is {@link ClientHelloFormatException}. From a stream it reads exactly the
 * records of the ClientHello and nothing after them, so a client's next bytes stay in the socket.
 */
public final class ClientHelloParser {
  /** The largest ClientHello body accepted by default: one full TLS record's worth. */
  public static final int DEFAULT_MAX_HELLO_BYTES = 16 * 1024;

  /** A legitimate client fragments its hello into few records; many tiny ones are an attack. */
  public static final int MAX_RECORDS = 64;

  private static final int RECORD_HEADER = 5;
  private static final int HANDSHAKE_HEADER = 4;
  private static final int MAX_RECORD_PAYLOAD = 1 << 14;
  private static final int CONTENT_HANDSHAKE = 22;
  private static final int HANDSHAKE_CLIENT_HELLO = 1;
  private static final int EXTENSION_SERVER_NAME = 0;
  private static final int NAME_TYPE_HOST_NAME = 0;
  private static final int MAX_HOST_NAME = 253;
  private static final int MAX_LABEL = 63;

  private final int maxHelloBytes;

  public ClientHelloParser(int maxHelloBytes) {
    if (maxHelloBytes < 64 || maxHelloBytes > (1 << 24) - 1) {
      throw new IllegalArgumentException("max ClientHello size out of range: " + maxHelloBytes);
    }
    this.maxHelloBytes = maxHelloBytes;
  }

  public static ClientHelloParser standard() {
    return new ClientHelloParser(DEFAULT_MAX_HELLO_BYTES);
  }

  public int maxHelloBytes() {
    return maxHelloBytes;
  }

  /**
   * Parses {@code records}, which must be exactly the TLS records of one ClientHello.
   *
   * @throws ClientHelloFormatException for anything else, including trailing bytes
   */
  public ClientHello parse(byte[] records) throws ClientHelloFormatException {
    ArraySource source = new ArraySource(records);
    try {
      ClientHello hello = read(source);
      if (source.position != records.length) {
        throw new ClientHelloFormatException("bytes after the ClientHello records");
      }
      return hello;
    } catch (IOException impossible) {
      throw new IllegalStateException("an array does not fail to read", impossible);
    }
  }

  /**
   * Reads the records of one ClientHello from {@code in}, blocking as the stream does (the caller
   * bounds the time, e.g. with a socket timeout).
   *
   * @throws ClientHelloFormatException for bytes that are not a ClientHello, or an end of stream
   *     before the ClientHello is complete
   * @throws IOException when the stream fails, including a timeout
   */
  public ClientHello read(InputStream in) throws IOException, ClientHelloFormatException {
    return read(new StreamSource(in));
  }

  private ClientHello read(Source source) throws IOException, ClientHelloFormatException {
    ByteArrayOutputStream raw = new ByteArrayOutputStream(512);
    byte[] handshake = null;
    int filled = 0;
    int expected = -1; // handshake message length with its header, once known
    byte[] header = new byte[RECORD_HEADER];
    for (int records = 0; expected < 0 || filled < expected; records++) {
      if (records == MAX_RECORDS) {
        throw new ClientHelloFormatException("ClientHello spread over too many records");
      }
      source.readFully(header, 0, RECORD_HEADER);
      raw.write(header, 0, RECORD_HEADER);
      int type = header[0] & 0xff;
      if (type != CONTENT_HANDSHAKE) {
        throw new ClientHelloFormatException(
            records == 0 ? "not a TLS handshake record" : "ClientHello interrupted by a record");
      }
      if ((header[1] & 0xff) != 3) {
        throw new ClientHelloFormatException("not a TLS record version");
      }
      int length = u16(header, 3);
      if (length == 0 || length > MAX_RECORD_PAYLOAD) {
        throw new ClientHelloFormatException("record length out of range: " + length);
      }
      if (handshake == null) {
        // the first record holds at least the handshake header in any sane client; size the
        // buffer only once the header is known, so a lie costs nothing
        handshake = new byte[Math.max(length, HANDSHAKE_HEADER)];
      }
      if (expected >= 0 && filled + length > expected) {
        throw new ClientHelloFormatException("bytes after the ClientHello in its record");
      }
      if (filled + length > handshake.length) {
        int grown = expected >= 0 ? expected : filled + length;
        handshake = java.util.Arrays.copyOf(handshake, grown);
      }
      source.readFully(handshake, filled, length);
      raw.write(handshake, filled, length);
      filled += length;
      if (expected < 0 && filled >= HANDSHAKE_HEADER) {
        if ((handshake[0] & 0xff) != HANDSHAKE_CLIENT_HELLO) {
          throw new ClientHelloFormatException("first handshake message is not a ClientHello");
        }
        int bodyLength = u24(handshake, 1);
        if (bodyLength > maxHelloBytes) {
          throw new ClientHelloFormatException(
              "ClientHello of " + bodyLength + " bytes, above the limit of " + maxHelloBytes);
        }
        expected = HANDSHAKE_HEADER + bodyLength;
        if (filled > expected) {
          throw new ClientHelloFormatException("bytes after the ClientHello in its record");
        }
        if (handshake.length < expected) {
          handshake = java.util.Arrays.copyOf(handshake, expected);
        }
      }
    }
    Optional<String> name = serverName(new Cursor(handshake, HANDSHAKE_HEADER, expected));
    return new ClientHello(name, raw.toByteArray());
  }

  /** The ClientHello body: version, random, session id, suites, compression, extensions. */
  private static Optional<String> serverName(Cursor c) throws ClientHelloFormatException {
    c.skip(2 + 32, "version and random");
    int sessionId = c.u8("session id length");
    if (sessionId > 32) {
      throw new ClientHelloFormatException("session id longer than 32 bytes");
    }
    c.skip(sessionId, "session id");
    int suites = c.u16("cipher suites length");
    if (suites < 2 || suites % 2 != 0) {
      throw new ClientHelloFormatException("cipher suites length invalid: " + suites);
    }
    c.skip(suites, "cipher suites");
    int compression = c.u8("compression methods length");
    if (compression < 1) {
      throw new ClientHelloFormatException("no compression method");
    }
    c.skip(compression, "compression methods");
    if (c.remaining() == 0) {
      return Optional.empty(); // a TLS 1.2 hello may omit extensions altogether
    }
    int extensionsLength = c.u16("extensions length");
    if (extensionsLength != c.remaining()) {
      throw new ClientHelloFormatException("extensions length does not match the ClientHello");
    }
    Optional<String> name = Optional.empty();
    java.util.BitSet seen = new java.util.BitSet();
    while (c.remaining() > 0) {
      int type = c.u16("extension type");
      int length = c.u16("extension length");
      if (length > c.remaining()) {
        throw new ClientHelloFormatException("extension longer than the ClientHello");
      }
      if (seen.get(type)) {
        throw new ClientHelloFormatException("extension " + type + " sent twice");
      }
      seen.set(type);
      if (type == EXTENSION_SERVER_NAME) {
        name = Optional.of(hostName(c.slice(length)));
      } else {
        c.skip(length, "extension");
      }
    }
    return name;
  }

  /** RFC 6066 ServerNameList: exactly one host_name; other name types are skipped. */
  private static String hostName(Cursor c) throws ClientHelloFormatException {
    int listLength = c.u16("server name list length");
    if (listLength == 0 || listLength != c.remaining()) {
      throw new ClientHelloFormatException("server name list length invalid");
    }
    String host = null;
    while (c.remaining() > 0) {
      int nameType = c.u8("server name type");
      int length = c.u16("server name length");
      if (length == 0 || length > c.remaining()) {
        throw new ClientHelloFormatException("server name length invalid");
      }
      if (nameType != NAME_TYPE_HOST_NAME) {
        c.skip(length, "server name");
        continue;
      }
      if (host != null) {
        throw new ClientHelloFormatException("more than one host_name");
      }
      host = normalise(c.bytes(), c.offset(), length);
      c.skip(length, "host name");
    }
    if (host == null) {
      throw new ClientHelloFormatException("server name extension without a host_name");
    }
    return host;
  }

  /**
   * Lower case, without one trailing dot, letters digits and hyphens in labels of 1 to 63
   * characters that neither start nor end with a hyphen (RFC 1123 host names), at most 253
   * characters: what a route table can hold.
   */
  static String normalise(byte[] bytes, int offset, int length) throws ClientHelloFormatException {
    int end = offset + length;
    if (length > 0 && bytes[end - 1] == '.') {
      end--;
    }
    int size = end - offset;
    if (size == 0 || size > MAX_HOST_NAME) {
      throw new ClientHelloFormatException("host name length out of range");
    }
    char[] out = new char[size];
    int labelStart = 0;
    for (int i = 0; i < size; i++) {
      int b = bytes[offset + i] & 0xff;
      char ch;
      if (b >= 'A' && b <= 'Z') {
        ch = (char) (b + ('a' - 'A'));
      } else if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' || b == '.') {
        ch = (char) b;
      } else {
        throw new ClientHelloFormatException("host name with a character outside [A-Za-z0-9.-]");
      }
      out[i] = ch;
      if (ch == '.') {
        checkLabel(out, labelStart, i);
        labelStart = i + 1;
      }
    }
    checkLabel(out, labelStart, size);
    return new String(out);
  }

  private static void checkLabel(char[] name, int start, int end)
      throws ClientHelloFormatException {
    int length = end - start;
    if (length == 0 || length > MAX_LABEL) {
      throw new ClientHelloFormatException("host name label length out of range");
    }
    if (name[start] == '-' || name[end - 1] == '-') {
      throw new ClientHelloFormatException("host name label starts or ends with a hyphen");
    }
  }

  private static int u16(byte[] b, int at) {
    return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
  }

  private static int u24(byte[] b, int at) {
    return ((b[at] & 0xff) << 16) | ((b[at + 1] & 0xff) << 8) | (b[at + 2] & 0xff);
  }

  /** Where record bytes come from; the end of input is a format error (truncated hello). */
  private interface Source {
    void readFully(byte[] into, int offset, int length)
        throws IOException, ClientHelloFormatException;
  }

  private static final class ArraySource implements Source {
    private final byte[] bytes;
    private int position;

    ArraySource(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public void readFully(byte[] into, int offset, int length) throws ClientHelloFormatException {
      if (length > bytes.length - position) {
        throw new ClientHelloFormatException("ClientHello truncated");
      }
      System.arraycopy(bytes, position, into, offset, length);
      position += length;
    }
  }

  private record StreamSource(InputStream in) implements Source {
    @Override
    public void readFully(byte[] into, int offset, int length)
        throws IOException, ClientHelloFormatException {
      int read = in.readNBytes(into, offset, length);
      if (read < length) {
        throw new ClientHelloFormatException("connection closed before the ClientHello ended");
      }
    }
  }

  /** A bounds-checked reader over one slice of the handshake message. */
  private static final class Cursor {
    private final byte[] bytes;
    private int position;
    private final int end;

    Cursor(byte[] bytes, int position, int end) {
      this.bytes = bytes;
      this.position = position;
      this.end = end;
    }

    byte[] bytes() {
      return bytes;
    }

    int offset() {
      return position;
    }

    int remaining() {
      return end - position;
    }

    int u8(String what) throws ClientHelloFormatException {
      need(1, what);
      return bytes[position++] & 0xff;
    }

    int u16(String what) throws ClientHelloFormatException {
      need(2, what);
      int value = ClientHelloParser.u16(bytes, position);
      position += 2;
      return value;
    }

    void skip(int length, String what) throws ClientHelloFormatException {
      need(length, what);
      position += length;
    }

    /** The next {@code length} bytes as their own cursor; this one moves past them. */
    Cursor slice(int length) throws ClientHelloFormatException {
      need(length, "extension");
      Cursor slice = new Cursor(bytes, position, position + length);
      position += length;
      return slice;
    }

    private void need(int length, String what) throws ClientHelloFormatException {
      if (length > end - position) {
        throw new ClientHelloFormatException("ClientHello truncated in " + what);
      }
    }
  }
}
