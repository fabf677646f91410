package dev.mse.operator.proxy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Who a connection counts against for the per-source limit: its IPv4 address, or the /64 of its
 * IPv6 address (a host is usually given a whole /64, so counting single IPv6 addresses would let
 * one client take 2^64 shares). IPv4 clients of a dual-stack socket arrive as IPv4 addresses: the
 * JDK unmaps them.
 */
final class ConnectionSource {
  private ConnectionSource() {}

  static InetAddress of(InetAddress peer) {
    if (!(peer instanceof Inet6Address)) {
      return peer;
    }
    byte[] prefix = Arrays.copyOf(peer.getAddress(), 16);
    Arrays.fill(prefix, 8, 16, (byte) 0);
    try {
      return InetAddress.getByAddress(prefix);
    } catch (UnknownHostException impossible) {
      throw new IllegalStateException("16 bytes are an IPv6 address", impossible);
    }
  }
}
