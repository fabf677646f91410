package dev.mse.operator.node.local;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The end of a log file, read without loading the whole file. */
final class LogTail {
  private LogTail() {}

  /** The last {@code maxBytes} bytes of {@code file} as text, starting at a line when cut. */
  static String of(Path file, int maxBytes) {
    if (!Files.isRegularFile(file)) {
      return "";
    }
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long length = f.length();
      long from = Math.max(0, length - maxBytes);
      byte[] bytes = new byte[(int) (length - from)];
      f.seek(from);
      f.readFully(bytes);
      String text = new String(bytes, StandardCharsets.UTF_8);
      if (from > 0) {
        int newline = text.indexOf('\n');
        text = newline >= 0 ? text.substring(newline + 1) : text;
      }
      return text;
    } catch (IOException e) {
      return "";
    }
  }
}
