package dev.mse.enclave.front;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Chooses the identity of each handshake. The attested (RA-TLS) identity is served for the life of
 * the enclave; once an owner-mode app is provisioned, the owner's certificate is served too, to
 * clients that ask for the owner's domain by SNI. Every other client (no SNI, an IP address, the
 * operator's enclave name) still gets the RA-TLS certificate, so the owner, the operator and
 * verifying users can always check the enclave itself, while browsers asking for the app's domain
 * see the owner's CA-issued certificate. Established connections keep their identity.
 */
public final class SwitchableKeyManager extends X509ExtendedKeyManager {
  private static final String ATTESTED = "attested";
  private static final String OWNER = "owner";

  private final ServerIdentity attested;
  private final AtomicReference<Optional<OwnerIdentity>> owner =
      new AtomicReference<>(Optional.empty());

  /** The owner's identity and the host names it is served for (lower case). */
  private record OwnerIdentity(ServerIdentity identity, Set<String> names) {}

  public SwitchableKeyManager(ServerIdentity attested) {
    this.attested = attested;
  }

  /** From now on, serves {@code identity} to clients whose SNI is one of {@code names}. */
  public void serveOwner(ServerIdentity identity, List<String> names) {
    owner.set(
        Optional.of(
            new OwnerIdentity(
                identity,
                names.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toSet()))));
  }

  /** The RA-TLS identity. */
  public ServerIdentity attested() {
    return attested;
  }

  private String alias(List<SNIServerName> serverNames) {
    Optional<OwnerIdentity> o = owner.get();
    if (o.isEmpty()) {
      return ATTESTED;
    }
    for (SNIServerName name : serverNames) {
      if (name instanceof SNIHostName host
          && o.get().names().contains(host.getAsciiName().toLowerCase(Locale.ROOT))) {
        return OWNER;
      }
    }
    return ATTESTED;
  }

  private static List<SNIServerName> requested(SSLSession handshake) {
    return handshake instanceof ExtendedSSLSession e ? e.getRequestedServerNames() : List.of();
  }

  private String choose(String keyType, SSLSession handshake) {
    String alias = alias(requested(handshake));
    ServerIdentity identity = alias.equals(OWNER) ? owner.get().orElseThrow().identity() : attested;
    return keyType == null || keyType.equalsIgnoreCase(identity.key().getAlgorithm())
        ? alias
        : null;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return choose(
        keyType, socket instanceof SSLSocket s ? s.getHandshakeSession() : (SSLSession) null);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return choose(keyType, engine == null ? null : engine.getHandshakeSession());
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return identity(alias).map(i -> i.chain().toArray(X509Certificate[]::new)).orElse(null);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return identity(alias).map(ServerIdentity::key).orElse(null);
  }

  private Optional<ServerIdentity> identity(String alias) {
    if (ATTESTED.equals(alias)) {
      return Optional.of(attested);
    }
    if (OWNER.equals(alias)) {
      return owner.get().map(OwnerIdentity::identity);
    }
    return Optional.empty();
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return owner.get().isPresent() ? new String[] {ATTESTED, OWNER} : new String[] {ATTESTED};
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
