package dev.mse.enclave.app;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Starts a Java app from its decrypted code archive, in this JVM: jars at the archive's root (the
 * main jar first) and under {@code lib/} form its class path, and {@code main} runs on its own
 * thread with the app's class loader as context loader. The app finds its port through {@code
 * PORT}, {@code MSE_APP_PORT} (environment, set when the runtime process starts) and the system
 * property {@code server.port}.
 */
public final class AppLauncher {
  private AppLauncher() {}

  /** A started app: {@link #exit()} completes when {@code main} returns or throws. */
  public record RunningApp(Thread thread, MemoryClassLoader loader, CompletableFuture<Void> exit) {}

  /**
   * The class path an archive makes.
   *
   * @param mainJar the jar listed first, when named
   */
  public static List<JarImage> classPath(Map<String, byte[]> archive, Optional<String> mainJar)
      throws AppLoadException {
    List<String> root = new ArrayList<>();
    List<String> lib = new ArrayList<>();
    for (String path : archive.keySet()) {
      if (!path.endsWith(".jar")) {
        continue;
      }
      if (!path.contains("/")) {
        root.add(path);
      } else if (path.startsWith("lib/") && path.indexOf('/', 4) < 0) {
        lib.add(path);
      }
    }
    root.sort(null);
    lib.sort(null);
    if (mainJar.isPresent()) {
      if (!root.remove(mainJar.get()) && !lib.remove(mainJar.get())) {
        throw new AppLoadException("the package has no main jar " + mainJar.get());
      }
      root.addFirst(mainJar.get());
    }
    if (root.isEmpty() && lib.isEmpty()) {
      throw new AppLoadException(
          "the package holds no jar (expected the app's jar at its root, libraries under lib/)");
    }
    List<JarImage> images = new ArrayList<>();
    for (String path : concat(root, lib)) {
      try {
        images.add(JarImage.read(path, archive.get(path)));
      } catch (IOException e) {
        throw new AppLoadException(path + ": " + e.getMessage(), e);
      }
    }
    return images;
  }

  /**
   * Loads {@code mainClass} (or the main jar's Main-Class when empty) and starts its {@code
   * main(String[])} on a new thread.
   */
  public static RunningApp start(List<JarImage> classPath, Optional<String> mainClass, int port)
      throws AppLoadException {
    String className =
        mainClass
            .or(() -> classPath.getFirst().mainClass())
            .orElseThrow(
                () -> new AppLoadException("no main class: set java_application in mse.toml"));
    MemoryClassLoader loader = new MemoryClassLoader(classPath);
    Method main;
    try {
      Class<?> cls = Class.forName(className, false, loader);
      main = cls.getMethod("main", String[].class);
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
    System.setProperty("server.port", Integer.toString(port));
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

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
