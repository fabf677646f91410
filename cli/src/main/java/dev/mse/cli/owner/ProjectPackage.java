package dev.mse.cli.owner;

import dev.mse.cli.UserError;
import dev.mse.protocol.config.ConfigException;
import dev.mse.protocol.config.MseToml;
import dev.mse.protocol.pkg.MseIgnore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * An app project on the owner's machine ({@code mse.toml} and its sources) turned into an encrypted
 * package: built if needed, archived without what {@code .mseignore} excludes, encrypted with a
 * fresh code key. What {@code mse home package} and {@code mse cloud deploy} both do.
 */
public final class ProjectPackage {
  private ProjectPackage() {}

  /** Reads {@code mse.toml}, with one clear line for every way it can be wrong. */
  public static MseToml readToml(Path file) {
    try {
      return MseToml.read(file);
    } catch (NoSuchFileException e) {
      throw new UserError(file + " does not exist", e);
    } catch (IOException e) {
      throw new UserError("cannot read " + file + ": " + e.getMessage(), e);
    } catch (ConfigException e) {
      throw new UserError(file + ": " + e.getMessage().replaceAll("\\s*\\R\\s*", " "), e);
    }
  }

  /** Builds and packages the project of {@code toml} into {@code output}. */
  public static AppPackager.Result create(MseToml toml, Path output, PrintWriter notes) {
    Path dir = toml.directory();
    AppBuilder.Staged code = AppBuilder.stage(dir, toml, notes);
    MseIgnore ignore;
    try {
      ignore = MseIgnore.load(dir);
    } catch (IOException e) {
      throw new UserError(
          "cannot read " + dir.resolve(MseIgnore.FILE_NAME) + ": " + e.getMessage(), e);
    }
    return AppPackager.create(toml, code, ignore, output.toAbsolutePath());
  }
}
