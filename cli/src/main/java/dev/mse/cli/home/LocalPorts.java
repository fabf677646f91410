package dev.mse.cli.home;

import dev.mse.cli.UserError;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Ports on this machine: is one free, and a free loopback port for an app. */
final class LocalPorts {
  private LocalPorts() {}

  static boolean isFree(String host, int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static int freeLoopbackPort() {
    try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UserError("no free loopback port for the app: " + e.getMessage(), e);
    }
  }
}
