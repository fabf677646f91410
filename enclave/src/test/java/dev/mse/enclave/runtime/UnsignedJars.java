package dev.mse.enclave.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.Locale;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The build's step that takes the signatures off the signed jars of the runtime's {@code lib/}
 * (BouncyCastle's three): every entry byte for byte, in the same order and with the same times, but
 * the signature files, and a manifest that keeps only its main section (the per-entry digests go
 * with the signatures). Run by {@code enclave/pom.xml} after the libraries are copied and before
 * the training run; a build tool in the tests' class path, like {@link RuntimeTraining}.
 *
 * <p>Why: the JDK leaves the classes of a signed jar out of the AOT cache, checks each one's digest
 * as it loads it, and parses the whole manifest (855 kB for bcprov) when it defines the first
 * package from that jar; together a fifth of the runtime's start (docs/benchmarks.md). The
 * signatures add nothing inside the runtime: the distribution is measured as a whole (its digest is
 * the simulated MRENCLAVE, on hardware the enclave's measurement), and OpenJDK does not require a
 * JCE provider to be signed. The operator's {@code RuntimeDistributionTest} checks the result
 * against the signed originals.
 */
public final class UnsignedJars {
  private UnsignedJars() {}

  /** {@code UnsignedJars <runtime>/lib}: rewrites each signed jar there in place. */
  public static void main(String[] args) throws IOException {
    Path lib = Path.of(args[0]);
    try (DirectoryStream<Path> jars = Files.newDirectoryStream(lib, "*.jar")) {
      for (Path jar : jars) {
        if (signed(jar)) {
          unsign(jar);
          System.out.println("mse runtime: " + jar.getFileName() + " without its signatures");
        }
      }
    }
  }

  /** A jar signature's file: {@code META-INF/*.SF}, its block ({@code .RSA .DSA .EC}), SIG-*. */
  private static boolean isSignatureFile(String entryName) {
    String name = entryName.toUpperCase(Locale.ROOT);
    if (!name.startsWith("META-INF/") || name.indexOf('/', "META-INF/".length()) >= 0) {
      return false;
    }
    return name.endsWith(".SF")
        || name.endsWith(".RSA")
        || name.endsWith(".DSA")
        || name.endsWith(".EC")
        || name.startsWith("META-INF/SIG-");
  }

  private static boolean signed(Path jar) throws IOException {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      return zip.stream().anyMatch(e -> isSignatureFile(e.getName()));
    }
  }

  private static void unsign(Path jar) throws IOException {
    Path rewritten = jar.resolveSibling(jar.getFileName() + ".unsigned");
    try (ZipFile in = new ZipFile(jar.toFile());
        OutputStream file = Files.newOutputStream(rewritten);
        ZipOutputStream out = new ZipOutputStream(file)) {
      for (ZipEntry entry : Collections.list(in.entries())) {
        if (isSignatureFile(entry.getName())) {
          continue;
        }
        ZipEntry copy = new ZipEntry(entry.getName());
        copy.setTime(entry.getTime());
        out.putNextEntry(copy);
        try (InputStream body = in.getInputStream(entry)) {
          if (entry.getName().equalsIgnoreCase(JarFile.MANIFEST_NAME)) {
            Manifest mainSection = new Manifest();
            mainSection.getMainAttributes().putAll(new Manifest(body).getMainAttributes());
            mainSection.write(out);
          } else {
            body.transferTo(out);
          }
        }
        out.closeEntry();
      }
    }
    Files.move(rewritten, jar, StandardCopyOption.REPLACE_EXISTING);
  }
}
