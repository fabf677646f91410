package dev.mse.enclave.app;

import dev.mse.attestation.codec.ByteString;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Starts a Java app from its decrypted code archive, in this JVM. The archive is written to a
 * directory on a memory-backed file system inside the TEE (never persistent storage), and {@code
 * main} runs on its own thread with the app's jars on the JVM's application class loader, which
 * shows the app the JDK, the runtime's one-class launcher and its own jars, never the runtime's
 * classes or libraries (they have a loader of their own). Real jars on a real file system are what
 * the launchers of packaged apps expect: a Spring Boot executable jar (its {@code JarLauncher}
 * opens its own jar through its code source), a Quarkus fast-jar ({@code
 * quarkus-app/quarkus-run.jar}), a shaded jar, or a plain jar with {@code lib/}.
 */
public final class AppLauncher {
  private static final String QUARKUS_RUN = "quarkus-app/quarkus-run.jar";
  private static final String QUARKUS_ENTRY = "io.quarkus.bootstrap.runner.QuarkusEntryPoint";
  private static final String SPRING_LOADER = "org.springframework.boot.loader.";

  private static final Set<PosixFilePermission> OWNER_DIR =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_FILE =
      PosixFilePermissions.fromString("rw-------");

  // The JVM's, from the launcher: used once, to add the app's jars, then dropped.
  private static final AtomicReference<Instrumentation> SYSTEM_CLASS_PATH = new AtomicReference<>();

  private AppLauncher() {}

  /**
   * Makes {@link #start} add the app's jars to the JVM's application class loader, where packaged
   * launchers look things up as under {@code java -jar}: Spring Boot's {@code nested:} URL handler
   * (the JDK finds it through {@code java.protocol.handler.pkgs}) and Quarkus's boot libraries.
   */
  public static void useSystemClassLoader(Instrumentation inst) {
    SYSTEM_CLASS_PATH.set(inst);
  }

  /**
   * What to run.
   *
   * @param classPath the main jar first, then the jars beside it and in the {@code lib/} beside it
   * @param mainClass the class whose {@code main} starts the app
   * @param properties system properties the launcher needs (Spring Boot's {@code loader.main})
   */
  public record Launch(List<Path> classPath, String mainClass, Map<String, String> properties) {
    public Launch {
      classPath = List.copyOf(classPath);
      properties = Map.copyOf(properties);
    }
  }

  /** A started app: {@link #exit()} completes when {@code main} returns or throws. */
  public record RunningApp(Thread thread, ClassLoader loader, CompletableFuture<Void> exit) {}

  /**
   * Writes the archive's files under {@code dir} (made 0700; files 0600): paths are relative and
   * checked to stay inside it.
   */
  public static void extract(Map<String, ByteString> files, Path dir) throws IOException {
    Path root = Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
    for (var file : files.entrySet()) {
      Path target = root.resolve(file.getKey()).normalize();
      if (!target.startsWith(root) || target.equals(root)) {
        throw new IOException("the archive path " + file.getKey() + " leaves the app directory");
      }
      Files.createDirectories(target.getParent(), PosixFilePermissions.asFileAttribute(OWNER_DIR));
      Files.write(
          Files.createFile(target, PosixFilePermissions.asFileAttribute(OWNER_FILE)),
          file.getValue().toByteArray());
    }
  }

  /**
   * Chooses the main jar, the class path and the main class of the app in {@code dir}.
   *
   * @param mainJar the main jar's path in the archive ({@code main_jar}); else the one jar at the
   *     archive's root (the first by name when several), else {@code quarkus-app/quarkus-run.jar}
   * @param javaApplication the main class ({@code java_application}); else the main jar's {@code
   *     Main-Class}. A Spring Boot executable jar always starts through its launcher (with {@code
   *     loader.main} when the class named is not its {@code Start-Class}); a Quarkus fast-jar
   *     through its entry point.
   */
  public static Launch plan(Path dir, Optional<String> mainJar, Optional<String> javaApplication)
      throws AppLoadException {
    List<Path> rootJars = jars(dir);
    Path main;
    if (mainJar.isPresent()) {
      main = dir.resolve(mainJar.get()).normalize();
      if (!main.startsWith(dir) || !Files.isRegularFile(main)) {
        throw new AppLoadException("the package has no main jar " + mainJar.get());
      }
    } else if (!rootJars.isEmpty()) {
      main = rootJars.getFirst();
    } else if (Files.isRegularFile(dir.resolve(QUARKUS_RUN))) {
      main = dir.resolve(QUARKUS_RUN);
    } else {
      throw new AppLoadException(
          "the package holds no jar (expected the app's jar at its root, libraries under lib/,"
              + " or set main_jar in mse.toml)");
    }
    List<Path> classPath = new ArrayList<>();
    classPath.add(main);
    for (Path jar : concat(jars(main.getParent()), jars(main.getParent().resolve("lib")))) {
      if (!jar.equals(main)) {
        classPath.add(jar);
      }
    }
    Attributes manifest = manifest(main, dir);
    String declared = manifest.getValue(Attributes.Name.MAIN_CLASS);
    String start = manifest.getValue("Start-Class");
    if (declared != null && declared.startsWith(SPRING_LOADER) && start != null) {
      if (javaApplication.isEmpty()
          || javaApplication.get().equals(start)
          || javaApplication.get().equals(declared)) {
        return new Launch(classPath, declared, Map.of());
      }
      String launcherPackage = declared.substring(0, declared.lastIndexOf('.') + 1);
      return new Launch(
          classPath,
          launcherPackage + "PropertiesLauncher",
          Map.of("loader.main", javaApplication.get()));
    }
    if (QUARKUS_ENTRY.equals(declared)) {
      return new Launch(classPath, declared, Map.of());
    }
    String mainClass =
        javaApplication
            .or(() -> Optional.ofNullable(declared))
            .orElseThrow(
                () -> new AppLoadException("no main class: set java_application in mse.toml"));
    return new Launch(classPath, mainClass, Map.of());
  }

  /**
   * Loads the main class and starts its {@code main(String[])} on a new thread, with the app's
   * class loader as its context loader.
   */
  public static RunningApp start(Launch launch) throws AppLoadException {
    URL[] urls = new URL[launch.classPath().size()];
    for (int i = 0; i < urls.length; i++) {
      try {
        urls[i] = launch.classPath().get(i).toUri().toURL();
      } catch (MalformedURLException e) {
        throw new AppLoadException("cannot name " + launch.classPath().get(i), e);
      }
    }
    // The system class loader when started by the launcher; else (the runtime in a test's JVM) a
    // loader of the app's own, where launchers that need the system class loader do not work.
    Instrumentation inst = SYSTEM_CLASS_PATH.getAndSet(null);
    ClassLoader loader;
    if (inst != null) {
      for (Path path : launch.classPath()) {
        try (JarFile jar = new JarFile(path.toFile())) {
          inst.appendToSystemClassLoaderSearch(jar);
        } catch (IOException e) {
          throw new AppLoadException(path.getFileName() + " is not a readable jar", e);
        }
      }
      loader = ClassLoader.getSystemClassLoader();
    } else {
      loader = new URLClassLoader("mse-app", urls, ClassLoader.getPlatformClassLoader());
    }
    String className = launch.mainClass();
    Method main;
    try {
      main = Class.forName(className, false, loader).getMethod("main", String[].class);
    } catch (ClassNotFoundException e) {
      throw new AppLoadException("the main class " + className + " is not in the package", e);
    } catch (NoSuchMethodException e) {
      throw new AppLoadException(className + " has no public static void main(String[])", e);
    } catch (LinkageError e) {
      throw new AppLoadException("cannot load " + className + ": " + e, e);
    }
    if (!Modifier.isStatic(main.getModifiers())) {
      throw new AppLoadException(className + ".main is not static");
    }
    launch.properties().forEach(System::setProperty);
    CompletableFuture<Void> exit = new CompletableFuture<>();
    Thread thread =
        Thread.ofPlatform()
            .name("app-main")
            .unstarted(
                () -> {
                  try {
                    main.invoke(null, (Object) new String[0]);
                    exit.complete(null);
                  } catch (InvocationTargetException e) {
                    exit.completeExceptionally(e.getCause());
                  } catch (IllegalAccessException | RuntimeException | Error e) {
                    exit.completeExceptionally(e);
                  }
                });
    thread.setContextClassLoader(loader);
    thread.start();
    return new RunningApp(thread, loader, exit);
  }

  private static Attributes manifest(Path jar, Path dir) throws AppLoadException {
    try (JarFile file = new JarFile(jar.toFile())) {
      return file.getManifest() == null ? new Attributes() : file.getManifest().getMainAttributes();
    } catch (IOException | SecurityException e) {
      throw new AppLoadException(
          dir.relativize(jar) + " is not a readable jar: " + e.getMessage(), e);
    }
  }

  /** The jars directly in {@code dir}, by name; none when it is not a directory. */
  private static List<Path> jars(Path dir) throws AppLoadException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new AppLoadException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  private static List<Path> concat(List<Path> a, List<Path> b) {
    List<Path> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
