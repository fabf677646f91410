package dev.mse.operator.testing;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.CollateralBundle;
import dev.mse.attestation.ratls.AttestationClaims;
import dev.mse.attestation.ratls.RaTlsCertificate;
import dev.mse.attestation.ratls.RaTlsSslContexts;
import dev.mse.attestation.sim.SimulatedEnclave;
import dev.mse.attestation.sim.SimulatedTee;
import dev.mse.protocol.deploy.DeploymentConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A node's enclave port as the operator sees it: TLS with an RA-TLS certificate of the simulated
 * TEE whose claims name a deployment config, answering {@code {"state":"waiting"}} to any request.
 * The quote and its collateral are real (simulation root); what the certificate's endorsements hold
 * is the test's choice: none, or the collateral of a simulated TEE created at a given time (so
 * already past its next update when that time is more than {@link SimulatedTee#COLLATERAL_LIFETIME}
 * ago).
 */
public final class SimulatedEnclavePort implements AutoCloseable {
  private final ServerSocket server;

  /**
   * @param teeCreated the clock the simulated TEE (and so its collateral) is created with
   * @param withCollateral whether the certificate carries that collateral
   */
  public SimulatedEnclavePort(DeploymentConfig config, Clock teeCreated, boolean withCollateral)
      throws Exception {
    SimulatedTee tee = SimulatedTee.create(teeCreated);
    SimulatedEnclave enclave =
        new SimulatedEnclave(
            ByteString.fromHex("11".repeat(32)), ByteString.fromHex("22".repeat(32)), 1, 1, false);
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair key = g.generateKeyPair();
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    AttestationClaims claims =
        new AttestationClaims(
            RaTlsCertificate.pubkeyHash(key.getPublic()),
            Optional.empty(),
            config.appId(),
            config.packageSha256(),
            Optional.empty(),
            config.sha256(),
            config.sslOrigin(),
            config.tls(),
            config.domain(),
            config.expires(),
            ByteString.of(new byte[32]),
            "0.1.0",
            AttestationClaims.State.WAITING);
    var builder =
        RaTlsCertificate.builder(
                key, claims, ByteString.of(tee.quote(enclave, claims.reportData())))
            .issuedAt(now);
    if (withCollateral) {
      builder.endorsements(
          new CollateralBundle(tee.collateral(), teeCreated.instant(), Optional.empty()));
    }
    server =
        RaTlsSslContexts.server(key, builder.build())
            .getServerSocketFactory()
            .createServerSocket(0, 10, InetAddress.getLoopbackAddress());
    ((SSLServerSocket) server).setUseClientMode(false);
    Thread.ofVirtual().start(this::serve);
  }

  /** A port whose certificate carries collateral valid now. */
  public static SimulatedEnclavePort withValidCollateral(DeploymentConfig config) throws Exception {
    return new SimulatedEnclavePort(config, Clock.systemUTC(), true);
  }

  public int port() {
    return server.getLocalPort();
  }

  private void serve() {
    while (!server.isClosed()) {
      try (Socket s = server.accept()) {
        ((SSLSocket) s).startHandshake();
        readHead(s);
        s.getOutputStream()
            .write(
                ("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                        + "content-length: 19\r\nconnection: close\r\n\r\n"
                        + "{\"state\":\"waiting\"}")
                    .getBytes(StandardCharsets.US_ASCII));
      } catch (IOException e) {
        // the client refused the handshake, or the test ended
      }
    }
  }

  /** Reads a request's head, up to its blank line. */
  private static void readHead(Socket s) throws IOException {
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < end.length) {
      int b = s.getInputStream().read();
      if (b < 0) {
        return;
      }
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
