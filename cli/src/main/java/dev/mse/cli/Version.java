package dev.mse.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.IVersionProvider;

/**
 * The build's version: the git tag or commit the build wrote to {@code build-version.txt} beside
 * this class (cli/pom.xml, just before the jar is made), or "development" when run from classes
 * that no build packaged.
 */
public final class Version implements IVersionProvider {
  /** This build's version. */
  public static final String VERSION = current();

  @Override
  public String[] getVersion() {
    return new String[] {"mse " + VERSION};
  }

  private static String current() {
    try (InputStream in = Version.class.getResourceAsStream("build-version.txt")) {
      if (in != null) {
        String v = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!v.isEmpty() && v.chars().allMatch(c -> c > ' ' && c < 127)) {
          return v;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the build's version", e);
    }
    return "development";
  }
}
