package dev.mse.enclave.app;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;

/**
 * A jar held in memory: its entries and manifest, read once from the decrypted package so that the
 * app's code never touches a disk outside the TEE.
 */
public record JarImage(String name, Map<String, byte[]> entries, Optional<Manifest> manifest) {
  private static final long MAX_TOTAL = 1L << 31;

  public JarImage {
    entries = Map.copyOf(entries);
  }

  /** Reads a jar; fails on a malformed jar or one that expands beyond 2 GiB. */
  public static JarImage read(String name, byte[] jar) throws IOException {
    if (jar.length < 4 || jar[0] != 'P' || jar[1] != 'K' || jar[2] != 3 || jar[3] != 4) {
      throw new IOException(name + " is not a jar (no zip header)");
    }
    Map<String, byte[]> entries = new LinkedHashMap<>();
    long total = 0;
    try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar), false)) {
      JarEntry e;
      while ((e = in.getNextJarEntry()) != null) {
        if (e.isDirectory()) {
          continue;
        }
        byte[] bytes = in.readNBytes((int) Math.min(MAX_TOTAL - total, Integer.MAX_VALUE - 8));
        total += bytes.length;
        if (total >= MAX_TOTAL) {
          throw new IOException(name + " expands beyond 2 GiB");
        }
        entries.putIfAbsent(e.getName(), bytes);
      }
      return new JarImage(name, entries, Optional.ofNullable(in.getManifest()));
    } catch (IllegalArgumentException | SecurityException e) {
      throw new IOException(name + " is not a readable jar: " + e.getMessage(), e);
    }
  }

  /** The manifest's Main-Class, if any. */
  public Optional<String> mainClass() {
    return manifest.map(m -> m.getMainAttributes().getValue("Main-Class"));
  }
}
