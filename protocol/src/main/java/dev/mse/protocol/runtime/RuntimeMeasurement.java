package dev.mse.protocol.runtime;

import dev.mse.attestation.codec.ByteString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.stream.Stream;

/**
 * The measurement of an mse runtime distribution (the runtime jar and its libraries): SHA-256 over
 * the sorted lines {@code <relative path> <sha256 of the file>\n} of every file in the distribution
 * directory. Jars are built reproducibly, so anyone can rebuild the runtime and get the same
 * digest; the simulated TEE reports it as MRENCLAVE, so "is the right code running" is checked as
 * on hardware.
 */
public final class RuntimeMeasurement {
  private RuntimeMeasurement() {}

  public static ByteString of(Path distribution) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(distribution)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    if (files.isEmpty()) {
      throw new IOException("the runtime distribution " + distribution + " is empty");
    }
    MessageDigest digest = sha256();
    for (Path file : files) {
      String relative = distribution.relativize(file).toString().replace('\\', '/');
      String line =
          relative + " " + ByteString.of(sha256().digest(Files.readAllBytes(file))).hex() + "\n";
      digest.update(line.getBytes(StandardCharsets.UTF_8));
    }
    return ByteString.of(digest.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
