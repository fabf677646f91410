package dev.mse.cli.home;

import dev.mse.cli.UserError;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Decrypted or unsealed content printed on standard output, when it is text. */
final class PlaintextOutput {
  private PlaintextOutput() {}

  /** Prints {@code content} if it is UTF-8 text; binary content must go to a file instead. */
  static void print(byte[] content, PrintWriter out) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(content))
              .toString();
    } catch (CharacterCodingException e) {
      throw new UserError("the content is not text: give --output FILE to write it", e);
    }
    out.print(text);
    out.flush();
  }
}
