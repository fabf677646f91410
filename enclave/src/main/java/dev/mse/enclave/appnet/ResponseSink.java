package dev.mse.enclave.appnet;

import java.io.IOException;
import java.nio.ByteBuffer;

/** The front's side of a {@link FrontConnection}: where the app's bytes go, towards the client. */
public interface ResponseSink {
  /**
   * Takes the app's bytes from {@code buffers[offset, offset + length)}.
   *
   * @param blocking whether to wait until all are taken; otherwise takes what goes now
   * @return how many bytes were taken (the buffers' positions advance by as many)
   */
  long write(ByteBuffer[] buffers, int offset, int length, boolean blocking) throws IOException;

  /** Whether a non-blocking {@link #write} would take bytes now. */
  boolean writable();

  /** The app closed the connection or shut down its output: nothing more will come. */
  void ended();
}
