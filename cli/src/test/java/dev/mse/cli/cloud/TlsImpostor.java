package dev.mse.cli.cloud;

import dev.mse.attestation.codec.X509Codec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A real TLS server on loopback that presents a certificate of its own for an app's name: what a
 * man in the middle, or a node serving something other than the attested app, looks like to a
 * verifier. It completes handshakes and answers nothing.
 */
final class TlsImpostor implements AutoCloseable {
  private final ServerSocket server;
  private final Thread acceptor;

  private TlsImpostor(ServerSocket server) {
    this.server = server;
    this.acceptor = Thread.ofPlatform().daemon().name("tls-impostor").start(this::accept);
  }

  static TlsImpostor start(TestCa.Issued identity) throws Exception {
    String body =
        identity
            .keyPem()
            .replace("-----BEGIN PRIVATE KEY-----", "")
            .replace("-----END PRIVATE KEY-----", "")
            .replaceAll("\\s", "");
    PrivateKey key =
        KeyFactory.getInstance("EC")
            .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    Certificate[] chain =
        X509Codec.certificates(
                Files.readString(identity.chain(), StandardCharsets.US_ASCII)
                    .getBytes(StandardCharsets.US_ASCII))
            .toArray(new Certificate[0]);
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    char[] password = "impostor".toCharArray();
    store.setKeyEntry("impostor", key, password, chain);
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, password);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keys.getKeyManagers(), null, null);
    SSLServerSocket server =
        (SSLServerSocket)
            tls.getServerSocketFactory()
                .createServerSocket(0, 16, InetAddress.getLoopbackAddress());
    return new TlsImpostor(server);
  }

  int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try (Socket s = server.accept()) {
        ((SSLSocket) s).startHandshake();
      } catch (IOException e) {
        // a client that gave up, or the server closed: nothing to serve either way
      }
    }
  }

  @Override
  public void close() throws Exception {
    server.close();
    acceptor.join();
  }
}
