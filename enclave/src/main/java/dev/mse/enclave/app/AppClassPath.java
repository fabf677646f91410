package dev.mse.enclave.app;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The app's class path, and the JVM's system class loader: the runtime starts with {@code
 * -Djava.system.class.loader=dev.mse.enclave.app.AppClassPath}, and the app's jars are added once
 * it is decrypted. Launchers of packaged apps look things up through the system class loader, as
 * they would under {@code java -jar}: Spring Boot's {@code nested:} URL handler (found by the JDK
 * through {@code java.protocol.handler.pkgs}, in the system class loader) and Quarkus's fast-jar
 * (its runner class loader delegates its boot libraries to the system class loader).
 *
 * <p>A class is looked up in the JDK's platform loader, then in the app's jars; only the runtime's
 * main class, which the JVM's launcher loads through here, comes from the runtime's class path. The
 * app sees neither the runtime's classes nor its libraries, and its resources are its own. The
 * runtime's classes were defined by the JVM's built-in loader, so they never see the app's.
 */
public final class AppClassPath extends URLClassLoader {
  static {
    registerAsParallelCapable();
  }

  private static final String RUNTIME_MAIN = "dev.mse.enclave.runtime.RuntimeMain";

  private final ClassLoader platform = ClassLoader.getPlatformClassLoader();

  /** Called by the JVM with its built-in application class loader (the runtime's class path). */
  public AppClassPath(ClassLoader runtime) {
    super("mse-app", new URL[0], runtime);
  }

  /** Adds the app's jars (their manifests' {@code Class-Path} entries follow). */
  void add(List<URL> jars) {
    jars.forEach(this::addURL);
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    synchronized (getClassLoadingLock(name)) {
      Class<?> c = findLoadedClass(name);
      if (c == null) {
        c = orNull(platform, name);
      }
      if (c == null) {
        try {
          c = findClass(name);
        } catch (ClassNotFoundException notTheApps) {
          if (!name.equals(RUNTIME_MAIN)) {
            throw notTheApps;
          }
          c = getParent().loadClass(name);
        }
      }
      if (resolve) {
        resolveClass(c);
      }
      return c;
    }
  }

  @Override
  public URL getResource(String name) {
    URL url = platform.getResource(name);
    return url != null ? url : findResource(name);
  }

  @Override
  public Enumeration<URL> getResources(String name) throws IOException {
    List<URL> urls = Collections.list(platform.getResources(name));
    urls.addAll(Collections.list(findResources(name)));
    return Collections.enumeration(urls);
  }

  private static Class<?> orNull(ClassLoader loader, String name) {
    try {
      return loader.loadClass(name);
    } catch (ClassNotFoundException e) {
      return null;
    }
  }
}
