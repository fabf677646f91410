package dev.mse.operator.admin;

import dev.mse.operator.admin.AdminProtocol.MalformedMessageException;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Optional;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running operator's local door for its administrator: a Unix domain socket, {@code
 * <data>/admin/operator.sock}, in a directory only the operator's user may enter (0700), itself
 * 0600, and a check of each peer's user (the operator's, or root). {@code mse operator account}
 * uses it, so accounts and tokens are created while the operator holds its database.
 *
 * <p>Opened before the database: an operator that finds another one answering on its data directory
 * refuses to start.
 */
public final class AdminChannel implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdminChannel.class);

  private final Path socket;
  private final ServerSocketChannel server;
  private final UserPrincipal owner;
  private volatile Thread acceptor;

  private AdminChannel(Path socket, ServerSocketChannel server, UserPrincipal owner) {
    this.socket = socket;
    this.server = server;
    this.owner = owner;
  }

  /**
   * Binds the socket of {@code dataDir}; empty (logged) when this system cannot (a data directory
   * whose path is too long for a socket address).
   *
   * @throws AnotherOperatorException when an operator already answers there
   */
  public static Optional<AdminChannel> bind(Path dataDir) throws IOException {
    Path dir = AdminProtocol.socketDirectory(dataDir);
    if (!Files.isDirectory(dir)) {
      Files.createDirectory(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    Path socket = AdminProtocol.socket(dataDir);
    if (AdminClient.answers(socket)) {
      throw new AnotherOperatorException(
          "another operator serves " + dataDir.toAbsolutePath() + " (its admin channel answers)");
    }
    Files.deleteIfExists(socket);
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      server.bind(UnixDomainSocketAddress.of(socket));
    } catch (IOException | IllegalArgumentException e) {
      server.close();
      LOG.warn(
          "no admin channel ({}): 'mse operator account' cannot reach this operator while it runs",
          e.getMessage());
      return Optional.empty();
    }
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    return Optional.of(new AdminChannel(socket, server, Files.getOwner(dir)));
  }

  /** Starts answering requests with {@code commands}. */
  public void serve(AdminCommands commands) {
    acceptor =
        Thread.ofPlatform()
            .name("operator-admin")
            .daemon()
            .start(
                () -> {
                  while (server.isOpen()) {
                    try {
                      SocketChannel peer = server.accept();
                      Thread.ofVirtual()
                          .name("operator-admin-peer")
                          .start(() -> answer(peer, commands));
                    } catch (IOException e) {
                      if (server.isOpen()) {
                        LOG.warn("admin channel: {}", e.getMessage());
                      }
                    }
                  }
                });
  }

  private void answer(SocketChannel peer, AdminCommands commands) {
    try (peer) {
      UnixDomainPrincipal who = peer.getOption(ExtendedSocketOptions.SO_PEERCRED);
      if (!who.user().equals(owner) && !who.user().getName().equals("root")) {
        LOG.warn("admin channel: refused a connection from user {}", who.user().getName());
        return;
      }
      InputStream in = Channels.newInputStream(peer);
      AdminReply reply;
      try {
        AdminRequest request = AdminProtocol.decodeRequest(AdminProtocol.readLine(in));
        LOG.info("admin channel: {}", request);
        reply = commands.handle(request);
      } catch (MalformedMessageException e) {
        reply = new AdminReply.Refused("invalid_request", e.getMessage());
      } catch (RuntimeException e) {
        LOG.error("admin channel: the request failed", e);
        reply = new AdminReply.Refused("internal_error", "The operator failed; see its log.");
      }
      AdminProtocol.write(peer, AdminProtocol.encode(reply));
    } catch (IOException e) {
      LOG.debug("admin channel: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    try {
      server.close();
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      LOG.warn("admin channel: cannot close: {}", e.getMessage());
    }
    Thread t = acceptor;
    if (t != null) {
      t.interrupt();
    }
  }

  /** An operator already serves the data directory. */
  public static final class AnotherOperatorException extends IOException {
    private static final long serialVersionUID = 1L;

    AnotherOperatorException(String message) {
      super(message);
    }
  }
}
