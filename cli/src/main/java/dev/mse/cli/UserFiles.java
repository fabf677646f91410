package dev.mse.cli;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading the user's files, with errors that name the file and say what is wrong. */
public final class UserFiles {
  private static final long MAX_INPUT = 64L * 1024 * 1024;

  private UserFiles() {}

  public static byte[] read(Path path, String what) {
    try {
      if (java.nio.file.Files.isDirectory(path)) {
        throw new UserError(what + " " + path + " is a directory, not a file");
      }
      if (java.nio.file.Files.size(path) > MAX_INPUT) {
        throw new UserError(what + " " + path + " is larger than 64 MiB");
      }
      return java.nio.file.Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new UserError(what + " " + path + " does not exist", e);
    } catch (IOException e) {
      throw new UserError("cannot read " + what + " " + path + ": " + e.getMessage(), e);
    }
  }
}
