package dev.mse.enclave.app;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/** Compiles small Java sources and packs them with resources into jar bytes, all in memory. */
public final class TestJars {
  private TestJars() {}

  /**
   * @param sources class name → source; @param resources path → text
   */
  public static byte[] jar(
      Map<String, String> sources, Map<String, String> resources, String mainClass) {
    return jar(sources, Map.of(), resources, mainClass);
  }

  /**
   * @param dependencies sources compiled beside {@code sources} but left out of the jar
   */
  public static byte[] jar(
      Map<String, String> sources,
      Map<String, String> dependencies,
      Map<String, String> resources,
      String mainClass) {
    return jar(sources, dependencies, resources, mainClass, List.of());
  }

  /**
   * @param embedded classes of the test class path copied into the jar as they are (a helper such
   *     as {@code dev.mse.app.MseTls}, which real apps take as a dependency)
   */
  public static byte[] jar(
      Map<String, String> sources,
      Map<String, String> dependencies,
      Map<String, String> resources,
      String mainClass,
      List<Class<?>> embedded) {
    Map<String, String> all = new HashMap<>(sources);
    all.putAll(dependencies);
    Map<String, byte[]> classes = compile(all);
    classes.keySet().retainAll(sources.keySet());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    if (mainClass != null) {
      manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
    }
    try (JarOutputStream jar = new JarOutputStream(out, manifest)) {
      for (var e : classes.entrySet()) {
        jar.putNextEntry(new JarEntry(e.getKey().replace('.', '/') + ".class"));
        jar.write(e.getValue());
      }
      for (Class<?> c : embedded) {
        jar.putNextEntry(new JarEntry(c.getName().replace('.', '/') + ".class"));
        try (var in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
          jar.write(in.readAllBytes());
        }
      }
      for (var e : resources.entrySet()) {
        jar.putNextEntry(new JarEntry(e.getKey()));
        jar.write(e.getValue().getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static Map<String, byte[]> compile(Map<String, String> sources) {
    if (sources.isEmpty()) {
      return new HashMap<>();
    }
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    Map<String, ByteArrayOutputStream> outputs = new HashMap<>();
    JavaFileManager files =
        new ForwardingJavaFileManager<>(compiler.getStandardFileManager(null, null, null)) {
          @Override
          public JavaFileObject getJavaFileForOutput(
              Location location, String className, JavaFileObject.Kind kind, FileObject sibling) {
            return new SimpleJavaFileObject(
                URI.create("mem:///" + className.replace('.', '/') + ".class"), kind) {
              @Override
              public java.io.OutputStream openOutputStream() {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                outputs.put(className, b);
                return b;
              }
            };
          }
        };
    List<JavaFileObject> units = new ArrayList<>();
    for (var e : sources.entrySet()) {
      units.add(
          new SimpleJavaFileObject(
              URI.create("string:///" + e.getKey().replace('.', '/') + ".java"),
              JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
              return e.getValue();
            }
          });
    }
    if (!compiler.getTask(null, files, null, List.of("--release", "25"), null, units).call()) {
      throw new IllegalStateException("test sources do not compile");
    }
    Map<String, byte[]> classes = new HashMap<>();
    outputs.forEach((k, v) -> classes.put(k, v.toByteArray()));
    return classes;
  }
}
