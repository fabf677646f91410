package dev.mse.cli.tsm;

import com.sun.net.httpserver.HttpServer;
import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.sim.SimulatedSnp;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A process that plays an SEV-SNP guest's firmware for a {@code tsm} runtime: it serves a stand-in
 * configfs-tsm report entry ({@code provider} = {@code sev_guest}; {@code inblob}, {@code outblob}
 * and {@code generation} as FIFOs, so the runtime's unchanged blocking reads get each signed report
 * in turn), signs each report with a {@link SimulatedSnp} chip over the 64 bytes written, and
 * serves that chip's VCEK and the simulated ASK's CRL as a KDS does ({@code
 * /vcek/v1/Genoa/{hwid}?…}, {@code /vcek/v1/Genoa/crl}).
 *
 * <p>{@code SimulatedSnpSigner ROOT CONFIG URLFILE [revoked]}: waits for the deployment config
 * {@code CONFIG} to appear (or, when {@code CONFIG} is an operator's nodes directory, for the first
 * node's), makes the report entry {@code ROOT/mse-<app id>} that the runtime started with that
 * config will open (configfs makes its files on mkdir; a plain directory cannot, so they are made
 * before the runtime's JVM has started), and writes the KDS base URL to {@code URLFILE}. With
 * {@code revoked}, its CRL lists the chip's VCEK. Runs until killed.
 */
public final class SimulatedSnpSigner {
  /** The launch digest the simulated guest reports (SHA-384 of "mse simulated SEV-SNP guest"). */
  public static final String MEASUREMENT = sha384("mse simulated SEV-SNP guest");

  private static final Pattern APP_ID = Pattern.compile("\"app_id\"\\s*:\\s*\"([0-9a-f-]{36})\"");

  private SimulatedSnpSigner() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    Path config = Path.of(args[1]);
    Path urlFile = Path.of(args[2]);
    boolean revoked = args.length > 3 && args[3].equals("revoked");
    SimulatedSnp chip = SimulatedSnp.create(ByteString.fromHex(MEASUREMENT), Clock.systemUTC());
    HttpServer kds = kds(chip, revoked);
    Files.writeString(
        urlFile, "http://127.0.0.1:" + kds.getAddress().getPort(), StandardCharsets.US_ASCII);
    Path entry = root.resolve("mse-" + appIdOf(config));
    Files.createDirectories(entry);
    Files.writeString(entry.resolve("provider"), "sev_guest\n", StandardCharsets.US_ASCII);
    for (String fifo : new String[] {"inblob", "outblob", "generation"}) {
      Process p = new ProcessBuilder("mkfifo", entry.resolve(fifo).toString()).start();
      if (p.waitFor() != 0) {
        throw new IOException("mkfifo " + fifo + " failed");
      }
    }
    System.out.println("serving " + entry);
    System.out.flush();
    // As configfs-tsm: each write of inblob makes a report; generation counts the writes, read
    // once before and once after outblob by the runtime.
    for (long generation = 1; ; generation++) {
      byte[] reportData = Files.readAllBytes(entry.resolve("inblob"));
      if (reportData.length != 64) {
        System.out.println("ignored an inblob of " + reportData.length + " bytes");
        continue;
      }
      byte[] report = chip.report(ByteString.of(reportData));
      String g = generation + "\n";
      Files.writeString(entry.resolve("generation"), g, StandardCharsets.US_ASCII);
      Files.write(entry.resolve("outblob"), report);
      Files.writeString(entry.resolve("generation"), g, StandardCharsets.US_ASCII);
      System.out.println("signed report " + generation);
      System.out.flush();
    }
  }

  private static String sha384(String text) {
    try {
      return java.util.HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("SHA-384")
                  .digest(text.getBytes(StandardCharsets.US_ASCII)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String appIdOf(Path config) throws Exception {
    while (true) {
      Optional<Path> file = Files.isDirectory(config) ? nodeConfigIn(config) : Optional.of(config);
      if (file.isPresent() && Files.isRegularFile(file.get())) {
        Matcher m = APP_ID.matcher(Files.readString(file.get(), StandardCharsets.UTF_8));
        if (m.find()) {
          return m.group(1);
        }
      }
      Thread.sleep(5);
    }
  }

  /** The config of the first node an operator made in its nodes directory, if one yet. */
  private static Optional<Path> nodeConfigIn(Path nodesDir) throws IOException {
    try (Stream<Path> nodes = Files.list(nodesDir)) {
      return nodes
          .map(n -> n.resolve("home").resolve("deployment.json"))
          .filter(Files::isRegularFile)
          .findFirst();
    }
  }

  private static HttpServer kds(SimulatedSnp chip, boolean revoked) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    String vcekPath = "/vcek/v1/Genoa/" + chip.chipId().hex().toLowerCase(Locale.ROOT);
    X509CRL crl = chip.crl(Instant.now(), revoked);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            byte[] body;
            int status;
            String path = exchange.getRequestURI().getPath();
            if (path.equals(vcekPath)) {
              body = chip.vcek().getEncoded();
              status = 200;
            } else if (path.equals("/vcek/v1/Genoa/crl")) {
              body = crl.getEncoded();
              status = 200;
            } else {
              body = "not found".getBytes(StandardCharsets.US_ASCII);
              status = 404;
            }
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          } catch (java.security.cert.CertificateEncodingException
              | java.security.cert.CRLException e) {
            throw new UncheckedIOException(new IOException(e));
          }
        });
    server.start();
    return server;
  }
}
