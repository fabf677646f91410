package dev.mse.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest, or "development" when run from classes. */
public final class Version implements IVersionProvider {
  /** This build's version. */
  public static final String VERSION = current();

  @Override
  public String[] getVersion() {
    return new String[] {"mse " + VERSION};
  }

  private static String current() {
    String v = Version.class.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
  }
}
