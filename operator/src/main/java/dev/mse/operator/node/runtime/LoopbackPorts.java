package dev.mse.operator.node.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Ports on this machine: is one free, and a free loopback port for a node. */
public final class LoopbackPorts {
  private LoopbackPorts() {}

  /** True when nothing listens on, or lingers at, {@code host:port}. */
  public static boolean isFree(String host, int port) {
    return isFree(host, port, false);
  }

  /**
   * @param reuseAddress ignore connections of an earlier listener still in TIME_WAIT (as a server
   *     that sets SO_REUSEADDR, like the runtime's, may)
   */
  public static boolean isFree(String host, int port, boolean reuseAddress) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(reuseAddress);
      s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A port nobody listens on now (the kernel's choice), on the loopback interface. */
  public static int free() {
    try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port: " + e.getMessage(), e);
    }
  }
}
