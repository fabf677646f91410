package dev.mse.cli.proxy;

import dev.mse.cli.UserError;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Where {@code mse proxy} listens: a loopback address only. The proxy hands whoever connects a
 * plain-HTTP view of an app it verified; on any other interface that view, and the user's session
 * with the app, would be open to the network.
 */
record ListenAddress(InetSocketAddress address) {
  static ListenAddress parse(String s) {
    String value = s.strip();
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new UserError("--listen must be HOST:PORT, e.g. 127.0.0.1:8080, got '" + s + "'");
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new UserError("--listen must be HOST:PORT, e.g. 127.0.0.1:8080, got '" + s + "'", e);
    }
    if (port < 0 || port > 65535) {
      throw new UserError("--listen: the port must be between 0 and 65535");
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new UserError("--listen: unknown host '" + host + "'", e);
    }
    if (!address.isLoopbackAddress()) {
      throw new UserError(
          "--listen must be a loopback address (127.0.0.1, ::1, localhost), not '"
              + host
              + "': the proxy serves the verified app in plain HTTP to whoever connects");
    }
    return new ListenAddress(new InetSocketAddress(address, port));
  }
}
