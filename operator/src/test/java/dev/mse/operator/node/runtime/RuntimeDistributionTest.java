package dev.mse.operator.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The runtime's {@code lib/} as the build makes it (enclave/pom.xml): the jars that Maven Central
 * serves signed (BouncyCastle's) are there without their signatures, so that the JDK caches their
 * classes ahead of time instead of verifying them at every start; everything else in them is the
 * signed original's, byte for byte, which this test checks against the originals after verifying
 * their signatures.
 */
class RuntimeDistributionTest {
  private static final Path LIB =
      Path.of("..", "enclave", "target", "runtime", "lib").toAbsolutePath().normalize();
  private static final Pattern SIGNATURE_FILE =
      Pattern.compile("(?i)META-INF/([^/]+\\.(SF|RSA|DSA|EC)|SIG-[^/]+)");

  @Test
  void noJarOfTheDistributionIsSigned() throws IOException {
    for (Path jar : distributionJars()) {
      try (ZipFile zip = new ZipFile(jar.toFile())) {
        assertThat(zip.stream().map(ZipEntry::getName))
            .as(jar.getFileName().toString())
            .noneMatch(n -> SIGNATURE_FILE.matcher(n).matches());
      }
    }
  }

  @Test
  void theUnsignedJarsHoldWhatTheSignedOriginalsHold() throws IOException {
    List<String> compared = new ArrayList<>();
    for (Path jar : distributionJars()) {
      Optional<Path> original = onClassPath(jar.getFileName().toString());
      if (original.isEmpty() || !signed(original.get())) {
        continue;
      }
      compareWithVerifiedOriginal(jar, original.get());
      compared.add(jar.getFileName().toString());
    }
    assertThat(compared)
        .as("BouncyCastle's jars are signed on Maven Central and in the runtime")
        .anyMatch(n -> n.startsWith("bcprov-"))
        .anyMatch(n -> n.startsWith("bcpkix-"))
        .anyMatch(n -> n.startsWith("bcutil-"));
  }

  private static void compareWithVerifiedOriginal(Path copy, Path original) throws IOException {
    try (JarFile signed = new JarFile(original.toFile(), true);
        ZipFile unsigned = new ZipFile(copy.toFile())) {
      List<String> expectedNames = new ArrayList<>();
      for (JarEntry entry : Collections.list(signed.entries())) {
        byte[] body;
        try (InputStream in = signed.getInputStream(entry)) {
          // Reading to the end checks the entry against its signed digest (SecurityException).
          body = in.readAllBytes();
        }
        String name = entry.getName();
        if (name.endsWith(".class")) {
          assertThat(entry.getCodeSigners()).as(name + " is signed in " + original).isNotEmpty();
        }
        if (SIGNATURE_FILE.matcher(name).matches()) {
          continue;
        }
        expectedNames.add(name);
        ZipEntry mine = unsigned.getEntry(name);
        assertThat(mine).as(name + " in " + copy).isNotNull();
        if (name.equalsIgnoreCase(JarFile.MANIFEST_NAME)) {
          try (InputStream in = unsigned.getInputStream(mine)) {
            assertThat(new Manifest(in).getMainAttributes())
                .isEqualTo(signed.getManifest().getMainAttributes());
          }
        } else {
          try (InputStream in = unsigned.getInputStream(mine)) {
            assertThat(sha256(in.readAllBytes())).as(name + " in " + copy).isEqualTo(sha256(body));
          }
        }
      }
      assertThat(unsigned.stream().map(ZipEntry::getName).toList())
          .as("the entries of " + copy + ", in the original's order")
          .isEqualTo(expectedNames);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Path> distributionJars() throws IOException {
    assertThat(LIB).as("the runtime distribution, built by the enclave module").isDirectory();
    try (Stream<Path> jars = Files.list(LIB)) {
      return jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
    }
  }

  private static Optional<Path> onClassPath(String fileName) {
    return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(Path::of)
        .filter(p -> p.getFileName() != null && p.getFileName().toString().equals(fileName))
        .findFirst();
  }

  private static boolean signed(Path jar) throws IOException {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      return zip.stream().anyMatch(e -> SIGNATURE_FILE.matcher(e.getName()).matches());
    }
  }
}
