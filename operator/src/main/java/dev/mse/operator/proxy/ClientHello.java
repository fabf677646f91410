package dev.mse.operator.proxy;

import java.util.Arrays;
import java.util.Optional;

/**
 * A ClientHello as the proxy saw it.
 *
 * @param serverName the SNI host name, normalised (lower case, no trailing dot); empty when the
 *     client sent none
 * @param raw every byte read from the client, record headers included, to replay to the node
 */
public record ClientHello(Optional<String> serverName, byte[] raw) {
  public ClientHello {
    raw = raw.clone();
  }

  @Override
  public byte[] raw() {
    return raw.clone();
  }

  public int size() {
    return raw.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClientHello other
        && serverName.equals(other.serverName)
        && Arrays.equals(raw, other.raw);
  }

  @Override
  public int hashCode() {
    return 31 * serverName.hashCode() + Arrays.hashCode(raw);
  }

  @Override
  public String toString() {
    return "ClientHello[serverName=" + serverName.orElse("<none>") + ", " + raw.length + " bytes]";
  }
}
