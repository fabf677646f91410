package dev.mse.protocol.pkg;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Decrypts segment by segment. A segment's plaintext is handed out only after its GCM tag has been
 * checked, and a segment counts as the last one only if the input ends right after it, so the final
 * plaintext bytes are released only once the end of the package has been authenticated. A failure
 * is remembered: every later read throws it again, and the stream never reports a clean end after a
 * failure.
 */
final class DecryptingInputStream extends InputStream {
  private static final int CIPHERTEXT_SEGMENT =
      PackageCipher.SEGMENT_SIZE + SegmentCipher.TAG_LENGTH;

  private final InputStream in;
  private final PackageKey key;
  private final byte[] associatedData;
  private final byte[] pending = new byte[CIPHERTEXT_SEGMENT + 1];
  private int pendingCount;
  private SegmentCipher cipher;
  private byte[] plain = new byte[0];
  private int plainPosition;
  private long index;
  private boolean finished;
  private IOException failure;

  DecryptingInputStream(InputStream in, PackageKey key, byte[] associatedData) {
    this.in = in;
    this.key = key;
    this.associatedData = associatedData.clone();
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (failure != null) {
      throw failure;
    }
    if (len == 0) {
      return 0;
    }
    while (plainPosition == plain.length) {
      if (finished) {
        return -1;
      }
      try {
        nextSegment();
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }
    int n = Math.min(len, plain.length - plainPosition);
    System.arraycopy(plain, plainPosition, b, off, n);
    plainPosition += n;
    return n;
  }

  @Override
  public int available() {
    return plain.length - plainPosition;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private void nextSegment() throws IOException {
    if (cipher == null) {
      PackageHeader header = PackageHeader.decode(in.readNBytes(PackageHeader.LENGTH));
      cipher = SegmentCipher.derive(key, header, associatedData);
    }
    pendingCount += in.readNBytes(pending, pendingCount, pending.length - pendingCount);
    boolean last = pendingCount <= CIPHERTEXT_SEGMENT;
    int length = last ? pendingCount : CIPHERTEXT_SEGMENT;
    if (length < SegmentCipher.TAG_LENGTH) {
      throw new PackageIntegrityException("the encrypted package is truncated");
    }
    if (index >= SegmentCipher.MAX_SEGMENTS) {
      throw new PackageIntegrityException("the encrypted package has too many segments");
    }
    plain = cipher.open(index, last, pending, length);
    plainPosition = 0;
    index++;
    if (last) {
      finished = true;
      pendingCount = 0;
    } else {
      pending[0] = pending[CIPHERTEXT_SEGMENT];
      pendingCount = 1;
    }
  }
}
