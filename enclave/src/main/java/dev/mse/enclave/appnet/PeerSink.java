package dev.mse.enclave.appnet;

import java.io.IOException;
import java.nio.ByteBuffer;

/** One end of an in-memory pair writing into the other's queue. */
final class PeerSink implements ResponseSink {
  private final FrontConnection self;
  private final FrontConnection peer;

  PeerSink(FrontConnection self, FrontConnection peer) {
    this.self = self;
    this.peer = peer;
  }

  @Override
  public long write(ByteBuffer[] buffers, int offset, int length, boolean blocking)
      throws IOException {
    if (!blocking && !peer.wantsMore()) {
      // Told again once the peer's reader made room.
      peer.whenRoom(self::writable);
      return 0;
    }
    ByteBuffer copy = ByteBuffers.gather(buffers, offset, length);
    long size = copy.remaining();
    if (blocking) {
      peer.send(copy);
    } else {
      peer.offer(copy);
    }
    return size;
  }

  @Override
  public boolean writable() {
    return peer.wantsMore();
  }

  @Override
  public void ended() {
    peer.endInput();
  }
}
