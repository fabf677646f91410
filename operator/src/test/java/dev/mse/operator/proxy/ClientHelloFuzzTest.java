package dev.mse.operator.proxy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * The ClientHello parser fed arbitrary bytes, from an array and from a stream: only {@link
 * ClientHelloFormatException} may come out, and an accepted hello must replay exactly what was
 * read. Without {@code JAZZER_FUZZ} this replays the seeds in {@code
 * ClientHelloFuzzTestInputs/clientHello/} (a real JDK hello among them).
 *
 * <p>To fuzz: {@code JAZZER_FUZZ=1 JAZZER_MAX_DURATION=1m ./mvnw -pl operator test
 * -Dtest='ClientHelloFuzzTest#clientHello'}. Keep a crash file in the inputs directory once fixed.
 */
class ClientHelloFuzzTest {
  private static final ClientHelloParser PARSER = ClientHelloParser.standard();

  @FuzzTest
  void clientHello(byte[] data) throws IOException {
    ClientHello fromArray = null;
    try {
      fromArray = PARSER.parse(data);
      if (!java.util.Arrays.equals(fromArray.raw(), data)) {
        throw new AssertionError("replay bytes differ from the input");
      }
    } catch (ClientHelloFormatException rejected) {
      // the documented outcome
    }
    try {
      ClientHello fromStream = PARSER.read(new ByteArrayInputStream(data));
      if (fromArray != null && !fromStream.equals(fromArray)) {
        throw new AssertionError("stream and array readings differ");
      }
    } catch (ClientHelloFormatException rejected) {
      // the documented outcome
    }
  }
}
