package dev.mse.enclave.front;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;

/**
 * The relay's readers of what clients and apps send, fed arbitrary bytes cut at arbitrary points:
 * only {@link FramingException} may come out, and what they pass on is never more than what came in
 * (plus one {@code Forwarded} line per request). Without {@code JAZZER_FUZZ} this replays the seeds
 * in {@code RelayFramingFuzzTestInputs/<method>/}.
 *
 * <p>To fuzz one target, from the repository root: {@code JAZZER_FUZZ=1 JAZZER_MAX_DURATION=1m
 * ./mvnw -pl enclave test -Dtest='RelayFramingFuzzTest#requests'}. Keep a crash file in the inputs
 * directory once fixed.
 */
class RelayFramingFuzzTest {
  private static final String FORWARDED = "Forwarded: for=\"192.0.2.1:1\";proto=https\r\n";

  @FuzzTest
  void requests(FuzzedDataProvider data) {
    List<Exchange> sent = new ArrayList<>();
    RequestStream stream =
        new RequestStream(RequestStream::plainAppTarget, sent::add, FORWARDED, () -> false);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long fed = 0;
    try {
      while (data.remainingBytes() > 0) {
        byte[] piece = data.consumeBytes(1 + data.consumeInt(0, 300));
        int taken = stream.feed(piece, 0, piece.length, out);
        if (taken < 0 || taken > piece.length) {
          throw new AssertionError("took " + taken + " of " + piece.length);
        }
        fed += taken;
        switch (stream.next()) {
          case MORE -> {
            if (taken != piece.length) {
              throw new AssertionError("stopped short without a reason");
            }
          }
          case DECISION -> stream.decided(data.consumeBoolean());
          case HAND_OVER -> {
            if (stream.held() == null) {
              throw new AssertionError("handed over nothing");
            }
            return;
          }
          case CLOSE -> throw new AssertionError("closing while the front is not stopping");
        }
        if (out.size() > fed + (long) sent.size() * FORWARDED.length()) {
          throw new AssertionError("passed on more than came in");
        }
      }
    } catch (FramingException expected) {
      // the documented outcome: the connection ends
    }
  }

  @FuzzTest
  void responses(FuzzedDataProvider data) {
    Queue<Exchange> pending = new ArrayDeque<>();
    int asked = data.consumeInt(0, 8);
    for (int i = 0; i < asked; i++) {
      String method = data.pickValue(new String[] {"GET", "HEAD", "POST", "CONNECT"});
      pending.add(new Exchange(0, method, data.consumeBoolean()));
    }
    ResponseStream stream = new ResponseStream(pending);
    List<Exchange> answered = new ArrayList<>();
    try {
      while (data.remainingBytes() > 0) {
        byte[] piece = data.consumeBytes(1 + data.consumeInt(0, 300));
        stream.scan(piece, 0, piece.length, answered);
      }
      stream.closed(answered);
    } catch (FramingException expected) {
      // the documented outcome: the connection ends
    }
    if (answered.size() > asked) {
      throw new AssertionError(answered.size() + " answers to " + asked + " requests");
    }
  }
}
