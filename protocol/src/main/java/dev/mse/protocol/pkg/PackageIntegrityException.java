package dev.mse.protocol.pkg;

import java.io.IOException;

/**
 * Encrypted package bytes that do not authenticate: wrong key or associated data, a changed byte, a
 * header that is not ours, segments reordered, swapped or cut off. An {@link IOException} so that
 * the decrypting stream can throw it from {@code read}; callers that see it must discard everything
 * read from that stream.
 */
public final class PackageIntegrityException extends IOException {
  private static final long serialVersionUID = 1L;

  public PackageIntegrityException(String message) {
    super(message);
  }

  public PackageIntegrityException(String message, Throwable cause) {
    super(message, cause);
  }
}
