package dev.mse.enclave.appnet;

import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.channels.Channel;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;

/**
 * The runtime JVM's NIO provider ({@code -Djava.nio.channels.spi.SelectorProvider}): the JDK's own
 * channels, except that selectors can also hold in-memory channels ({@link MixedSelector}) and TCP
 * server channels can become the app's port ({@link AppServerChannel}).
 */
public final class AppNetProvider extends SelectorProvider {
  private final SelectorProvider system = SystemNio.load();

  /** Called by the JDK (the system property names this class). */
  public AppNetProvider() {}

  SelectorProvider system() {
    return system;
  }

  @Override
  public AbstractSelector openSelector() throws IOException {
    return new MixedSelector(this, system.openSelector());
  }

  @Override
  public ServerSocketChannel openServerSocketChannel() throws IOException {
    return new AppServerChannel(this, system.openServerSocketChannel());
  }

  @Override
  public ServerSocketChannel openServerSocketChannel(ProtocolFamily family) throws IOException {
    if (family == StandardProtocolFamily.UNIX) {
      return system.openServerSocketChannel(family);
    }
    return new AppServerChannel(this, system.openServerSocketChannel(family));
  }

  @Override
  public SocketChannel openSocketChannel() throws IOException {
    return system.openSocketChannel();
  }

  @Override
  public SocketChannel openSocketChannel(ProtocolFamily family) throws IOException {
    return system.openSocketChannel(family);
  }

  @Override
  public DatagramChannel openDatagramChannel() throws IOException {
    return system.openDatagramChannel();
  }

  @Override
  public DatagramChannel openDatagramChannel(ProtocolFamily family) throws IOException {
    return system.openDatagramChannel(family);
  }

  @Override
  public Pipe openPipe() throws IOException {
    return system.openPipe();
  }

  @Override
  public Channel inheritedChannel() throws IOException {
    return system.inheritedChannel();
  }
}
