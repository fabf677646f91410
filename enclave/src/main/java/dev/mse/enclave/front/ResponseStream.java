package dev.mse.enclave.front;

import java.util.List;
import java.util.Queue;

/**
 * Follows the app's responses on a relayed connection, to know when each request was answered in
 * full. The bytes themselves pass to the client untouched and unheld.
 */
final class ResponseStream {
  private static final int MAX_HEAD = 64 * 1024;
  private final MessageHead head = new MessageHead(MAX_HEAD);
  private final Queue<Exchange> pending;
  private MessageBody body;
  private Exchange current;
  private boolean tunnel;

  /**
   * @param pending the requests sent to the app, oldest first
   */
  ResponseStream(Queue<Exchange> pending) {
    this.pending = pending;
  }

  /**
   * Reads {@code b[off, off + len)}, adding the requests whose responses ended in it to {@code
   * answered}.
   *
   * @throws FramingException when the app's bytes are not responses to what it was asked
   */
  void scan(byte[] b, int off, int len, List<Exchange> answered) throws FramingException {
    int i = off;
    int end = off + len;
    while (i < end && !tunnel) {
      if (body != null) {
        i += body.consume(b, i, end - i);
        if (body.done()) {
          body = null;
          answered.add(current);
        }
        continue;
      }
      i += head.consume(b, i, end - i);
      if (head.tooLarge()) {
        throw new FramingException("the app's response head is too large");
      }
      if (head.complete()) {
        MessageHead.Fields fields = head.fields();
        int status = head.status();
        head.reset();
        headEnded(status, fields, answered);
      }
    }
  }

  /** The app closed its side: a body that runs until the close ends here. */
  void closed(List<Exchange> answered) {
    if (body != null && current != null) {
      body = null;
      answered.add(current);
    }
  }

  private void headEnded(int status, MessageHead.Fields fields, List<Exchange> answered)
      throws FramingException {
    current = pending.peek();
    if (current == null) {
      throw new FramingException("the app answered a request nobody sent");
    }
    if (status == 101 || (current.connect && status / 100 == 2)) {
      pending.poll();
      current.decided(true);
      answered.add(current);
      tunnel = true;
      return;
    }
    if (status < 200) {
      return; // interim (100 Continue, 103 Early Hints): the final response follows
    }
    pending.poll();
    current.decided(false);
    MessageBody framing =
        current.head || status == 204 || status == 304
            ? MessageBody.none()
            : fields.body(MessageBody::untilClose);
    if (framing.done()) {
      answered.add(current);
    } else {
      body = framing;
    }
  }
}
