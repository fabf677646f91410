package dev.mse.enclave.app;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * Loads an app's classes and resources from jars held in memory. Resources get {@code mse-mem:}
 * URLs served from memory, so {@code getResource}, {@code getResources} and {@code ServiceLoader}
 * work as with jars on disk. The parent is the platform class loader: the app sees the JDK, not the
 * runtime's own libraries (its BouncyCastle, its Jetty), and cannot reach its keys through them.
 */
public final class MemoryClassLoader extends ClassLoader {
  static {
    registerAsParallelCapable();
  }

  private static final String SCHEME = "mse-mem";

  private final List<JarImage> jars;
  private final URLStreamHandler handler = new MemoryHandler();

  /**
   * @param jars in class path order: the first jar holding a class or resource wins
   */
  public MemoryClassLoader(List<JarImage> jars, ClassLoader parent) {
    super("mse-app", parent);
    this.jars = List.copyOf(jars);
  }

  public MemoryClassLoader(List<JarImage> jars) {
    this(jars, ClassLoader.getPlatformClassLoader());
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    String path = name.replace('.', '/') + ".class";
    for (int i = 0; i < jars.size(); i++) {
      byte[] bytes = jars.get(i).entries().get(path);
      if (bytes != null) {
        definePackageOf(name, i);
        CodeSource source = new CodeSource(jarUrl(i), (Certificate[]) null);
        return defineClass(
            name, bytes, 0, bytes.length, new ProtectionDomain(source, null, this, null));
      }
    }
    throw new ClassNotFoundException(name);
  }

  private void definePackageOf(String className, int jar) {
    int dot = className.lastIndexOf('.');
    if (dot < 0) {
      return;
    }
    String pkg = className.substring(0, dot);
    if (getDefinedPackage(pkg) == null) {
      try {
        definePackage(pkg, null, null, null, null, null, null, jarUrl(jar));
      } catch (IllegalArgumentException alreadyDefinedConcurrently) {
        // Another thread defined it first; nothing to do.
      }
    }
  }

  @Override
  protected URL findResource(String name) {
    for (int i = 0; i < jars.size(); i++) {
      if (jars.get(i).entries().containsKey(name)) {
        return url(i, name);
      }
    }
    return null;
  }

  @Override
  protected Enumeration<URL> findResources(String name) {
    List<URL> urls = new ArrayList<>();
    for (int i = 0; i < jars.size(); i++) {
      if (jars.get(i).entries().containsKey(name)) {
        urls.add(url(i, name));
      }
    }
    return Collections.enumeration(urls);
  }

  private URL jarUrl(int jar) {
    return url(jar, "");
  }

  private URL url(int jar, String name) {
    try {
      return URL.of(new URI(SCHEME, null, "/" + jar + "/" + name, null), handler);
    } catch (MalformedURLException | java.net.URISyntaxException e) {
      throw new IllegalStateException("cannot make a URL for " + name, e);
    }
  }

  /** Serves {@code mse-mem:/<jar index>/<entry>} from memory. */
  private final class MemoryHandler extends URLStreamHandler {
    @Override
    protected URLConnection openConnection(URL u) throws IOException {
      String path = u.getPath();
      int slash = path.indexOf('/', 1);
      if (slash < 0) {
        throw new IOException("no such resource " + u);
      }
      int jar;
      try {
        jar = Integer.parseInt(path.substring(1, slash));
      } catch (NumberFormatException e) {
        throw new IOException("no such resource " + u, e);
      }
      if (jar < 0 || jar >= jars.size()) {
        throw new IOException("no such resource " + u);
      }
      byte[] bytes = jars.get(jar).entries().get(path.substring(slash + 1));
      if (bytes == null) {
        throw new IOException("no such resource " + u);
      }
      return new URLConnection(u) {
        @Override
        public void connect() {
          connected = true;
        }

        @Override
        public InputStream getInputStream() {
          return new ByteArrayInputStream(bytes);
        }

        @Override
        public long getContentLengthLong() {
          return bytes.length;
        }
      };
    }
  }
}
