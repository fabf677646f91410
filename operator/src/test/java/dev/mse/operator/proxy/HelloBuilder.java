package dev.mse.operator.proxy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds ClientHello handshake messages and their TLS records byte by byte, for tests. */
final class HelloBuilder {
  private byte[] hostName;
  private final List<byte[]> extensions = new ArrayList<>();
  private int sessionIdLength = 32;
  private int cipherSuites = 3;
  private boolean withExtensions = true;

  static HelloBuilder hello() {
    return new HelloBuilder();
  }

  HelloBuilder serverName(String name) {
    return serverNameBytes(name.getBytes(StandardCharsets.US_ASCII));
  }

  HelloBuilder serverNameBytes(byte[] name) {
    this.hostName = name.clone();
    return this;
  }

  HelloBuilder sessionIdLength(int length) {
    this.sessionIdLength = length;
    return this;
  }

  HelloBuilder cipherSuites(int count) {
    this.cipherSuites = count;
    return this;
  }

  HelloBuilder noExtensions() {
    this.withExtensions = false;
    return this;
  }

  /** Adds an extension of {@code type} with {@code length} bytes of pattern data. */
  HelloBuilder extension(int type, int length) {
    byte[] data = new byte[length];
    for (int i = 0; i < length; i++) {
      data[i] = (byte) (i * 31 + type);
    }
    return extension(type, data);
  }

  HelloBuilder extension(int type, byte[] data) {
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    u16(e, type);
    u16(e, data.length);
    e.writeBytes(data);
    extensions.add(e.toByteArray());
    return this;
  }

  /**
   * A key_share extension the size of a post-quantum hybrid hello: X25519MLKEM768 (1216 bytes of
   * key), SecP384r1MLKEM1024 (1665) and X25519 (32), as large browsers send.
   */
  HelloBuilder postQuantumKeyShares() {
    ByteArrayOutputStream shares = new ByteArrayOutputStream();
    int[][] groups = {{0x11ec, 1216}, {0x11ed, 1665}, {0x001d, 32}};
    for (int[] g : groups) {
      u16(shares, g[0]);
      u16(shares, g[1]);
      for (int i = 0; i < g[1]; i++) {
        shares.write(i * 7 + g[0]);
      }
    }
    ByteArrayOutputStream ext = new ByteArrayOutputStream();
    u16(ext, shares.size());
    ext.writeBytes(shares.toByteArray());
    return extension(51, ext.toByteArray());
  }

  /** The handshake message: type 1, 24-bit length, body. */
  byte[] handshake() {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    u16(body, 0x0303);
    for (int i = 0; i < 32; i++) {
      body.write(i);
    }
    body.write(sessionIdLength);
    for (int i = 0; i < sessionIdLength; i++) {
      body.write(0xa0 + i);
    }
    u16(body, cipherSuites * 2);
    for (int i = 0; i < cipherSuites; i++) {
      u16(body, 0x1301 + i);
    }
    body.write(1);
    body.write(0);
    if (withExtensions) {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      if (hostName != null) {
        ByteArrayOutputStream sni = new ByteArrayOutputStream();
        u16(sni, hostName.length + 3);
        sni.write(0);
        u16(sni, hostName.length);
        sni.writeBytes(hostName);
        u16(all, 0);
        u16(all, sni.size());
        all.writeBytes(sni.toByteArray());
      }
      for (byte[] e : extensions) {
        all.writeBytes(e);
      }
      u16(body, all.size());
      body.writeBytes(all.toByteArray());
    }
    ByteArrayOutputStream message = new ByteArrayOutputStream();
    message.write(1);
    message.write(body.size() >>> 16);
    message.write(body.size() >>> 8);
    message.write(body.size());
    message.writeBytes(body.toByteArray());
    return message.toByteArray();
  }

  /** The hello in one record, or several when it exceeds a record. */
  byte[] records() {
    return records(handshake(), 1 << 14);
  }

  /** {@code handshake} in records of at most {@code fragment} bytes each. */
  static byte[] records(byte[] handshake, int fragment) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int at = 0; at < handshake.length; at += fragment) {
      int n = Math.min(fragment, handshake.length - at);
      out.write(22);
      u16(out, 0x0301);
      u16(out, n);
      out.write(handshake, at, n);
    }
    return out.toByteArray();
  }

  private static void u16(ByteArrayOutputStream out, int v) {
    out.write(v >>> 8);
    out.write(v);
  }
}
