package dev.mse.cli.home;

import dev.mse.cli.ConfigDirectory;
import dev.mse.cli.Json;
import dev.mse.cli.PrivateFiles;
import dev.mse.cli.UserError;
import dev.mse.cli.owner.AppNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;

/** The apps spawned on this machine: one JSON file each in {@code $MSE_CONF_PATH/home/}. */
final class AppRegistry {
  /** App names double as file names: letters, digits, '.', '_' and '-', at most 64. */
  private AppRegistry() {}

  static Path directory() {
    return ConfigDirectory.path().resolve("home");
  }

  static String checkName(String name) {
    return AppNames.check(name);
  }

  private static Path file(String name) {
    return directory().resolve(checkName(name) + ".json");
  }

  static boolean exists(String name) {
    return Files.exists(file(name));
  }

  static HomeApp load(String name) {
    Path file = file(name);
    if (!Files.exists(file)) {
      throw new UserError("no app named '" + name + "' on this machine (see 'mse home list')");
    }
    try {
      return HomeApp.fromJson(Json.MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8)));
    } catch (IOException | JacksonException | IllegalArgumentException e) {
      throw new UserError(
          "the record of '" + name + "' (" + file + ") is unreadable: " + e.getMessage(), e);
    }
  }

  static void save(HomeApp app) {
    PrivateFiles.directory(ConfigDirectory.path());
    PrivateFiles.directory(directory());
    PrivateFiles.write(file(app.name()), Json.write(app.toJson()).getBytes(StandardCharsets.UTF_8));
  }

  static void remove(String name) {
    try {
      Files.deleteIfExists(file(name));
    } catch (IOException e) {
      throw new UserError("cannot remove the record of '" + name + "': " + e.getMessage(), e);
    }
  }

  static List<HomeApp> list() {
    if (!Files.isDirectory(directory())) {
      return List.of();
    }
    List<HomeApp> apps = new ArrayList<>();
    try (Stream<Path> files = Files.list(directory())) {
      for (Path f :
          files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
        String name = f.getFileName().toString();
        apps.add(load(name.substring(0, name.length() - ".json".length())));
      }
    } catch (IOException e) {
      throw new UserError("cannot list " + directory() + ": " + e.getMessage(), e);
    }
    return apps;
  }
}
