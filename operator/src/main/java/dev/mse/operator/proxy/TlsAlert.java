package dev.mse.operator.proxy;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The fatal alerts the proxy sends in clear before it closes a connection it will not route (RFC
 * 8446 §6). A plaintext alert is what a TLS server sends before any key exists, so every client
 * reports it as a TLS error rather than a reset.
 */
enum TlsAlert {
  /** The ClientHello named no server: the proxy cannot choose an app. */
  HANDSHAKE_FAILURE(40),
  /** The bytes were not a ClientHello the proxy could read. */
  DECODE_ERROR(50),
  /** The proxy cannot serve now (too many connections, node unreachable or not verified). */
  INTERNAL_ERROR(80),
  /** No app has this name, or it is stopped. */
  UNRECOGNIZED_NAME(112);

  private static final int CONTENT_ALERT = 21;
  private static final int LEVEL_FATAL = 2;

  private final int description;

  TlsAlert(int description) {
    this.description = description;
  }

  int description() {
    return description;
  }

  /** The alert record, ready to write. */
  byte[] record() {
    // record version 3.3 (TLS 1.2): what TLS 1.3 servers put on every record too
    return new byte[] {CONTENT_ALERT, 3, 3, 0, 2, LEVEL_FATAL, (byte) description};
  }

  /** Writes the alert; a client that has gone already is not an error worth reporting. */
  void sendQuietly(OutputStream out) {
    try {
      out.write(record());
      out.flush();
    } catch (IOException gone) {
      // the client closed first: nothing to tell it
    }
  }
}
