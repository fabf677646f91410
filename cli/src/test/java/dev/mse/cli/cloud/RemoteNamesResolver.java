package dev.mse.cli.cloud;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Makes names under {@code .remote.test} resolve to 127.0.0.1 in the test JVM, so a test can stand
 * an operator "off this machine" (by its URL, which the CLI judges without a lookup) while every
 * byte stays on loopback. Every other name goes to the built-in resolver.
 */
public final class RemoteNamesResolver extends InetAddressResolverProvider {
  static final String SUFFIX = ".remote.test";

  @Override
  public InetAddressResolver get(Configuration configuration) {
    InetAddressResolver builtin = configuration.builtinResolver();
    return new InetAddressResolver() {
      @Override
      public Stream<InetAddress> lookupByName(String host, LookupPolicy policy)
          throws UnknownHostException {
        if (host.toLowerCase(Locale.ROOT).endsWith(SUFFIX)) {
          return Stream.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}));
        }
        return builtin.lookupByName(host, policy);
      }

      @Override
      public String lookupByAddress(byte[] addr) throws UnknownHostException {
        return builtin.lookupByAddress(addr);
      }
    };
  }

  @Override
  public String name() {
    return "mse-test-remote-names";
  }
}
