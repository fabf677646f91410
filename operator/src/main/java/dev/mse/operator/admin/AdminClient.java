package dev.mse.operator.admin;

import dev.mse.operator.admin.AdminProtocol.MalformedMessageException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The administrator's side of the {@link AdminChannel}. */
public final class AdminClient {
  private AdminClient() {}

  /**
   * Sends {@code request} to the operator serving {@code dataDir}; empty when no operator answers
   * there (none runs, or it left a stale socket behind).
   */
  public static Optional<AdminReply> send(Path dataDir, AdminRequest request) throws IOException {
    Path socket = AdminProtocol.socket(dataDir);
    Optional<SocketChannel> connected = connect(socket);
    if (connected.isEmpty()) {
      return Optional.empty();
    }
    try (SocketChannel channel = connected.get()) {
      AdminProtocol.write(channel, AdminProtocol.encode(request));
      try {
        return Optional.of(
            AdminProtocol.decodeReply(AdminProtocol.readLine(Channels.newInputStream(channel))));
      } catch (MalformedMessageException e) {
        throw new IOException("the operator's admin channel answered oddly: " + e.getMessage(), e);
      }
    }
  }

  /** True when an operator answers on {@code socket}. */
  static boolean answers(Path socket) {
    Optional<SocketChannel> c = connect(socket);
    c.ifPresent(
        channel -> {
          try {
            channel.close();
          } catch (IOException e) {
            // it answered; that is all we wanted to know
          }
        });
    return c.isPresent();
  }

  private static Optional<SocketChannel> connect(Path socket) {
    if (!Files.exists(socket)) {
      return Optional.empty();
    }
    try {
      SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
      try {
        channel.connect(UnixDomainSocketAddress.of(socket));
        return Optional.of(channel);
      } catch (IOException e) {
        channel.close();
        return Optional.empty();
      }
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
