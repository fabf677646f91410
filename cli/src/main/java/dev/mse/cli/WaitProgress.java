package dev.mse.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;

/**
 * Progress lines while a command waits for an app: one when its state changes, and one every ten
 * seconds while it stays, with the seconds waited, so that a long start (a large app initializing
 * in a TEE) is never a silent wait. Lines go to stderr, prefixed like every other note.
 */
public final class WaitProgress {
  /** How often a state that does not change is reported again. */
  static final Duration EVERY = Duration.ofSeconds(10);

  private final PrintWriter err;
  private final String what;
  private final Instant start;
  private String state;
  private Instant lastLine;

  /**
   * @param err where the lines go
   * @param what what is waited for, e.g. "the app 1234…" or "the runtime of 'hello'"
   */
  public WaitProgress(PrintWriter err, String what) {
    this.err = err;
    this.what = what;
    this.start = Instant.now();
    this.lastLine = start;
  }

  /** Reports {@code now} if it is a new state, or if the last line is ten seconds old. */
  public void observe(String now) {
    Instant at = Instant.now();
    if (!now.equals(state)) {
      state = now;
      line(at, what + " is " + now);
    } else if (Duration.between(lastLine, at).compareTo(EVERY) >= 0) {
      line(at, what + " is still " + now);
    }
  }

  private void line(Instant at, String text) {
    lastLine = at;
    err.println("mse: [" + Duration.between(start, at).toSeconds() + " s] " + text);
    err.flush();
  }
}
