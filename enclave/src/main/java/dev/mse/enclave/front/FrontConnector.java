package dev.mse.enclave.front;

import dev.mse.enclave.appnet.SystemNio;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.Executor;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The front's Jetty connector, on the JDK's own channels and selectors: the front's sockets never
 * go through the app network's provider ({@link dev.mse.enclave.appnet}), which is for the app.
 */
final class FrontConnector extends ServerConnector {
  FrontConnector(Server server, ConnectionFactory... factories) {
    super(server, factories);
  }

  @Override
  protected ServerSocketChannel openAcceptChannel() throws IOException {
    ServerSocketChannel channel = SystemNio.provider().openServerSocketChannel();
    channel.setOption(StandardSocketOptions.SO_REUSEADDR, getReuseAddress());
    InetSocketAddress address =
        getHost() == null
            ? new InetSocketAddress(getPort())
            : new InetSocketAddress(getHost(), getPort());
    try {
      channel.bind(address, getAcceptQueueSize());
    } catch (IOException e) {
      channel.close();
      throw new IOException("cannot bind " + address + ": " + e.getMessage(), e);
    }
    return channel;
  }

  @Override
  protected SelectorManager newSelectorManager(
      Executor executor, Scheduler scheduler, int selectors) {
    return new ServerConnectorManager(executor, scheduler, selectors) {
      @Override
      protected Selector newSelector() throws IOException {
        return SystemNio.provider().openSelector();
      }
    };
  }
}
