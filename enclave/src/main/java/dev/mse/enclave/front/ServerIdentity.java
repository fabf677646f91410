package dev.mse.enclave.front;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** The key and certificate chain the TLS front presents; {@link #toString()} hides the key. */
public record ServerIdentity(PrivateKey key, List<X509Certificate> chain) {
  public ServerIdentity {
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("a server identity needs a certificate");
    }
  }

  @Override
  public String toString() {
    return "ServerIdentity[key=redacted, certificate="
        + chain.getFirst().getSubjectX500Principal()
        + ", chain of "
        + chain.size()
        + "]";
  }
}
