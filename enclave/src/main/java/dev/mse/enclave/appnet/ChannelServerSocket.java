package dev.mse.enclave.appnet;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;

/**
 * {@link AppServerChannel#socket()}: the {@code ServerSocket} view servers use to bind (the JDK's
 * {@code HttpServer} binds through it), so that binding decides whether the channel is the app's
 * port.
 */
final class ChannelServerSocket extends ServerSocket {
  private final AppServerChannel channel;
  private int timeout;

  ChannelServerSocket(AppServerChannel channel) {
    super(new NoSocketImpl());
    this.channel = channel;
  }

  private ServerSocket system() {
    return channel.system().socket();
  }

  @Override
  public void bind(SocketAddress endpoint) throws IOException {
    bind(endpoint, 50);
  }

  @Override
  public void bind(SocketAddress endpoint, int backlog) throws IOException {
    channel.bind(endpoint == null ? new InetSocketAddress(0) : endpoint, backlog);
  }

  @Override
  public InetAddress getInetAddress() {
    return system().getInetAddress();
  }

  @Override
  public int getLocalPort() {
    return system().getLocalPort();
  }

  @Override
  public SocketAddress getLocalSocketAddress() {
    return system().getLocalSocketAddress();
  }

  @Override
  public Socket accept() throws IOException {
    if (!channel.isBlocking()) {
      throw new IllegalBlockingModeException();
    }
    SocketChannel accepted = channel.accept();
    return accepted.socket();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  @Override
  public ServerSocketChannel getChannel() {
    return channel;
  }

  @Override
  public boolean isBound() {
    return system().isBound();
  }

  @Override
  public boolean isClosed() {
    return !channel.isOpen();
  }

  @Override
  public void setSoTimeout(int timeout) throws SocketException {
    this.timeout = timeout;
  }

  @Override
  public int getSoTimeout() {
    return timeout;
  }

  @Override
  public void setReuseAddress(boolean on) throws SocketException {
    system().setReuseAddress(on);
  }

  @Override
  public boolean getReuseAddress() throws SocketException {
    return system().getReuseAddress();
  }

  @Override
  public void setReceiveBufferSize(int size) throws SocketException {
    system().setReceiveBufferSize(size);
  }

  @Override
  public int getReceiveBufferSize() throws SocketException {
    return system().getReceiveBufferSize();
  }

  @Override
  public <T> ServerSocket setOption(SocketOption<T> name, T value) throws IOException {
    channel.setOption(name, value);
    return this;
  }

  @Override
  public <T> T getOption(SocketOption<T> name) throws IOException {
    return channel.getOption(name);
  }

  @Override
  public Set<SocketOption<?>> supportedOptions() {
    return channel.supportedOptions();
  }

  @Override
  public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {}

  @Override
  public String toString() {
    return "ChannelServerSocket[" + channel + "]";
  }
}
