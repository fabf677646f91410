package dev.mse.enclave.front;

import dev.mse.enclave.appnet.SystemNio;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectableChannel;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.IO;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The front's Jetty connector, on the JDK's own channels and selectors: the front's sockets never
 * go through the app network's provider ({@link dev.mse.enclave.appnet}), which is for the app.
 *
 * <p>One source address holds at most {@code perSource} connections at once; those beyond are
 * closed as soon as they are accepted, so that one client cannot take every connection the front
 * (and the app's heap behind it) can hold. Connections through the operator's SNI proxy all come
 * from the proxy: the proxy limits its own clients, and the operator raises this limit with {@code
 * -Dmse.front.connectionsPerSource} where one proxy carries more.
 */
final class FrontConnector extends ServerConnector {
  private final int perSource;
  private final ConcurrentHashMap<InetAddress, Integer> openBySource = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<SelectableChannel, InetAddress> sources =
      new ConcurrentHashMap<>();

  FrontConnector(Server server, int perSource, ConnectionFactory... factories) {
    super(server, factories);
    this.perSource = perSource;
  }

  /** Counts {@code channel} against its source; false (and closed) when the source has no room. */
  private boolean admit(SelectableChannel channel) {
    InetAddress source;
    try {
      source = ((InetSocketAddress) ((SocketChannel) channel).getRemoteAddress()).getAddress();
    } catch (IOException | RuntimeException e) {
      IO.close(channel);
      return false;
    }
    if (openBySource.merge(source, 1, Integer::sum) > perSource) {
      release(source);
      IO.close(channel);
      return false;
    }
    sources.put(channel, source);
    return true;
  }

  private void closed(SelectableChannel channel) {
    InetAddress source = sources.remove(channel);
    if (source != null) {
      release(source);
    }
  }

  private void release(InetAddress source) {
    openBySource.computeIfPresent(source, (s, n) -> n == 1 ? null : n - 1);
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

      @Override
      public void accept(SelectableChannel channel, Object attachment) {
        if (admit(channel)) {
          super.accept(channel, attachment);
        }
      }

      @Override
      protected void onAcceptFailed(SelectableChannel channel, Throwable cause, Object attachment) {
        closed(channel);
        super.onAcceptFailed(channel, cause, attachment);
      }

      @Override
      protected void endPointClosed(EndPoint endPoint) {
        if (endPoint.getTransport() instanceof SelectableChannel channel) {
          closed(channel);
        }
        super.endPointClosed(endPoint);
      }
    };
  }
}
