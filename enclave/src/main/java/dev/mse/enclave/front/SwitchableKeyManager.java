package dev.mse.enclave.front;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Serves one identity, which the runtime may replace while running: the RA-TLS certificate until an
 * owner-mode app is provisioned, then the owner's certificate. New handshakes see the new identity
 * at once; established connections keep theirs.
 */
public final class SwitchableKeyManager extends X509ExtendedKeyManager {
  private static final String ALIAS = "mse";
  private final AtomicReference<ServerIdentity> current;

  public SwitchableKeyManager(ServerIdentity initial) {
    this.current = new AtomicReference<>(initial);
  }

  public void switchTo(ServerIdentity identity) {
    current.set(identity);
  }

  public ServerIdentity current() {
    return current.get();
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return matches(keyType) ? ALIAS : null;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return matches(keyType) ? ALIAS : null;
  }

  private boolean matches(String keyType) {
    return keyType == null || keyType.equalsIgnoreCase(current.get().key().getAlgorithm());
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return ALIAS.equals(alias) ? current.get().chain().toArray(X509Certificate[]::new) : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? current.get().key() : null;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return matches(keyType) ? new String[] {ALIAS} : null;
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
