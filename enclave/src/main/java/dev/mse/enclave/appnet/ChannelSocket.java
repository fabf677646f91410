package dev.mse.enclave.appnet;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.util.Set;

/**
 * {@link FrontConnection#socket()}: the {@code Socket} view servers use to set options and read the
 * peer's address; streams work in blocking mode, as on the JDK's adaptor.
 */
final class ChannelSocket extends Socket {
  private final FrontConnection channel;
  private int timeout;

  private ChannelSocket(FrontConnection channel) throws SocketException {
    super((java.net.SocketImpl) null);
    this.channel = channel;
  }

  static ChannelSocket of(FrontConnection channel) {
    try {
      return new ChannelSocket(channel);
    } catch (SocketException e) {
      // Socket(null) creates nothing, so it cannot fail.
      throw new IllegalStateException(e);
    }
  }

  private static InetSocketAddress inet(SocketAddress address) {
    return address instanceof InetSocketAddress inet ? inet : null;
  }

  @Override
  public void connect(SocketAddress endpoint, int timeout) throws IOException {
    throw new SocketException("Already connected");
  }

  @Override
  public void connect(SocketAddress endpoint) throws IOException {
    throw new SocketException("Already connected");
  }

  @Override
  public void bind(SocketAddress bindpoint) throws IOException {
    throw new SocketException("Already bound");
  }

  @Override
  public InetAddress getInetAddress() {
    InetSocketAddress inet = inet(channel.remote());
    return inet == null ? null : inet.getAddress();
  }

  @Override
  public InetAddress getLocalAddress() {
    InetSocketAddress inet = inet(channel.local());
    return inet == null ? InetAddress.getLoopbackAddress() : inet.getAddress();
  }

  @Override
  public int getPort() {
    InetSocketAddress inet = inet(channel.remote());
    return inet == null ? 0 : inet.getPort();
  }

  @Override
  public int getLocalPort() {
    InetSocketAddress inet = inet(channel.local());
    return inet == null ? -1 : inet.getPort();
  }

  @Override
  public SocketAddress getRemoteSocketAddress() {
    return channel.remote();
  }

  @Override
  public SocketAddress getLocalSocketAddress() {
    return channel.local();
  }

  @Override
  public SocketChannel getChannel() {
    return channel;
  }

  @Override
  public InputStream getInputStream() throws IOException {
    if (isClosed()) {
      throw new SocketException("Socket is closed");
    }
    return Channels.newInputStream(channel);
  }

  @Override
  public OutputStream getOutputStream() throws IOException {
    if (isClosed()) {
      throw new SocketException("Socket is closed");
    }
    return Channels.newOutputStream(channel);
  }

  private <T> void set(SocketOption<T> name, T value) throws SocketException {
    try {
      channel.setOption(name, value);
    } catch (IOException e) {
      throw new SocketException(e.getMessage());
    }
  }

  private <T> T get(SocketOption<T> name) throws SocketException {
    try {
      return channel.getOption(name);
    } catch (IOException e) {
      throw new SocketException(e.getMessage());
    }
  }

  @Override
  public void setTcpNoDelay(boolean on) throws SocketException {
    set(StandardSocketOptions.TCP_NODELAY, on);
  }

  @Override
  public boolean getTcpNoDelay() throws SocketException {
    return get(StandardSocketOptions.TCP_NODELAY);
  }

  @Override
  public void setSoLinger(boolean on, int linger) throws SocketException {
    set(StandardSocketOptions.SO_LINGER, on ? linger : -1);
  }

  @Override
  public int getSoLinger() throws SocketException {
    return get(StandardSocketOptions.SO_LINGER);
  }

  @Override
  public void sendUrgentData(int data) throws IOException {
    throw new SocketException("Urgent data not supported");
  }

  @Override
  public void setOOBInline(boolean on) {}

  @Override
  public boolean getOOBInline() {
    return false;
  }

  @Override
  public void setSoTimeout(int timeout) {
    this.timeout = timeout;
  }

  @Override
  public int getSoTimeout() {
    return timeout;
  }

  @Override
  public void setSendBufferSize(int size) throws SocketException {
    set(StandardSocketOptions.SO_SNDBUF, size);
  }

  @Override
  public int getSendBufferSize() throws SocketException {
    return get(StandardSocketOptions.SO_SNDBUF);
  }

  @Override
  public void setReceiveBufferSize(int size) throws SocketException {
    set(StandardSocketOptions.SO_RCVBUF, size);
  }

  @Override
  public int getReceiveBufferSize() throws SocketException {
    return get(StandardSocketOptions.SO_RCVBUF);
  }

  @Override
  public void setKeepAlive(boolean on) throws SocketException {
    set(StandardSocketOptions.SO_KEEPALIVE, on);
  }

  @Override
  public boolean getKeepAlive() throws SocketException {
    return get(StandardSocketOptions.SO_KEEPALIVE);
  }

  @Override
  public void setTrafficClass(int tc) throws SocketException {
    set(StandardSocketOptions.IP_TOS, tc);
  }

  @Override
  public int getTrafficClass() throws SocketException {
    return get(StandardSocketOptions.IP_TOS);
  }

  @Override
  public void setReuseAddress(boolean on) throws SocketException {
    set(StandardSocketOptions.SO_REUSEADDR, on);
  }

  @Override
  public boolean getReuseAddress() throws SocketException {
    return get(StandardSocketOptions.SO_REUSEADDR);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  @Override
  public void shutdownInput() throws IOException {
    channel.shutdownInput();
  }

  @Override
  public void shutdownOutput() throws IOException {
    channel.shutdownOutput();
  }

  @Override
  public boolean isConnected() {
    return true;
  }

  @Override
  public boolean isBound() {
    return true;
  }

  @Override
  public boolean isClosed() {
    return !channel.isOpen();
  }

  @Override
  public boolean isInputShutdown() {
    return channel.inputShut();
  }

  @Override
  public boolean isOutputShutdown() {
    return channel.outputShut();
  }

  @Override
  public <T> Socket setOption(SocketOption<T> name, T value) throws IOException {
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
    return "ChannelSocket[" + channel + "]";
  }
}
