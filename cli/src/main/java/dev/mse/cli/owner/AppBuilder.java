package dev.mse.cli.owner;

import dev.mse.cli.LogTail;
import dev.mse.cli.UserError;
import dev.mse.protocol.config.AppFields;
import dev.mse.protocol.config.MseToml;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Builds an app project into the directory that gets packaged. A Maven project with its wrapper
 * ({@code pom.xml} and {@code mvnw}) is built with it, and what the build made is staged as it is
 * meant to run: a Quarkus fast-jar ({@code target/quarkus-app/}) as the directory {@code
 * quarkus-app/} with main jar {@code quarkus-app/quarkus-run.jar}; a Spring Boot executable jar
 * (its libraries nested under {@code BOOT-INF/lib/}) or a shaded jar (the shade plugin leaves
 * {@code original-*.jar}) as {@code app.jar} alone; any other jar as {@code app.jar} with its
 * runtime dependencies under {@code lib/}. Anything else has its {@code src/main/java} compiled in
 * this JVM (release 25) into a reproducible {@code build/app.jar}, with {@code lib/*.jar} of the
 * project on the class path and packaged beside it.
 *
 * <p>The main class is {@code java_application} when {@code mse.toml} names one, else the main
 * jar's {@code Main-Class}: the package and the deployment config always name a class.
 */
public final class AppBuilder {
  /** The staged code directory, relative to the project. */
  public static final String CODE_DIR = "build/mse-code";

  /** Where a Quarkus fast-jar is staged, and its main jar. */
  static final String QUARKUS_DIR = "quarkus-app";

  static final String QUARKUS_MAIN_JAR = QUARKUS_DIR + "/quarkus-run.jar";

  /** What a build staged, as it must run. */
  public enum Kind {
    /** A jar of the app's classes and its dependencies under {@code lib/}. */
    PLAIN,
    /** A Spring Boot executable jar: its libraries are nested in it. */
    SPRING_BOOT,
    /** A Quarkus fast-jar directory. */
    QUARKUS,
    /** A jar holding its dependencies' classes (maven-shade, assembly). */
    SHADED
  }

  /**
   * The staged code.
   *
   * @param code the staged directory
   * @param mainJar the jar the runtime starts, relative to {@code code}
   * @param mainClass the class whose {@code main} it calls
   * @param kind what was staged
   */
  public record Staged(Path code, String mainJar, String mainClass, Kind kind) {}

  private static final LocalDateTime FIXED_TIME = LocalDateTime.of(2026, 1, 1, 0, 0);

  private AppBuilder() {}

  /** Builds {@code project}; returns the staged code directory. */
  public static Path build(Path project, MseToml toml, PrintWriter notes) {
    return stage(project, toml, notes).code();
  }

  /** Builds {@code project} and stages it; says what the runtime must start. */
  public static Staged stage(Path project, MseToml toml, PrintWriter notes) {
    Path code = project.resolve(CODE_DIR);
    Kind kind;
    try {
      deleteTree(code);
      Files.createDirectories(code);
      if (Files.isRegularFile(project.resolve("pom.xml"))
          && Files.isRegularFile(project.resolve("mvnw"))) {
        kind = buildWithMaven(project, code, notes);
      } else {
        buildWithJdk(project, toml, code, notes);
        kind = Kind.PLAIN;
      }
    } catch (IOException e) {
      throw new UserError("cannot build " + project + ": " + e.getMessage(), e);
    }
    String detected = kind == Kind.QUARKUS ? QUARKUS_MAIN_JAR : AppPackager.MAIN_JAR;
    String mainJar = toml.mainJar().orElse(detected);
    Path jar = code.resolve(mainJar);
    if (!Files.isRegularFile(jar)) {
      throw new UserError(
          "main_jar '"
              + mainJar
              + "' is not in the staged code (the build staged "
              + detected
              + ")");
    }
    String mainClass = toml.javaApplication().orElseGet(() -> mainClass(jar, mainJar));
    notes.println("staged " + describe(kind) + ": " + mainJar + ", main class " + mainClass);
    return new Staged(code, mainJar, mainClass, kind);
  }

  private static String describe(Kind kind) {
    return switch (kind) {
      case PLAIN -> "a jar with its libraries";
      case SPRING_BOOT -> "a Spring Boot executable jar";
      case QUARKUS -> "a Quarkus fast-jar";
      case SHADED -> "a shaded jar";
    };
  }

  /** The {@code Main-Class} of {@code jar}, which java_application left to it. */
  public static String mainClass(Path jar, String name) {
    String main;
    try (JarFile file = new JarFile(jar.toFile())) {
      Manifest manifest = file.getManifest();
      main =
          manifest == null
              ? null
              : manifest.getMainAttributes().getValue(Attributes.Name.MAIN_CLASS);
    } catch (IOException e) {
      throw new UserError(name + " is not a readable jar: " + e.getMessage(), e);
    }
    if (main == null || main.isBlank()) {
      throw new UserError(
          name
              + " has no Main-Class in its manifest: name the main class with java_application in"
              + " mse.toml");
    }
    main = main.strip();
    if (!AppFields.isJavaClassName(main)) {
      throw new UserError(name + "'s Main-Class is not a class name: " + main);
    }
    return main;
  }

  private static void buildWithJdk(Path project, MseToml toml, Path code, PrintWriter notes)
      throws IOException {
    Path sources = project.resolve("src/main/java");
    if (!Files.isDirectory(sources)) {
      throw new UserError(
          project + " has neither src/main/java nor a Maven wrapper (pom.xml and mvnw) to build");
    }
    List<Path> javaFiles = list(sources, ".java");
    if (javaFiles.isEmpty()) {
      throw new UserError("no .java file under " + sources);
    }
    List<Path> libraries =
        Files.isDirectory(project.resolve("lib"))
            ? list(project.resolve("lib"), ".jar")
            : List.of();
    Path classes = project.resolve("build/classes");
    deleteTree(classes);
    Files.createDirectories(classes);
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    if (compiler == null) {
      throw new UserError("this Java runtime has no compiler: run mse with a JDK");
    }
    notes.println(
        "compiling "
            + javaFiles.size()
            + (javaFiles.size() == 1 ? " source file" : " source files")
            + " (release 25)");
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    List<String> options =
        new ArrayList<>(
            List.of(
                "--release", "25", "-encoding", "UTF-8", "-proc:none", "-d", classes.toString()));
    if (!libraries.isEmpty()) {
      options.add("-cp");
      options.add(
          libraries.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
    }
    boolean ok;
    try (StandardJavaFileManager files =
        compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      ok =
          compiler
              .getTask(
                  null,
                  files,
                  diagnostics,
                  options,
                  null,
                  files.getJavaFileObjectsFromPaths(javaFiles))
              .call();
    }
    if (!ok) {
      String errors =
          diagnostics.getDiagnostics().stream()
              .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
              .limit(5)
              .map(AppBuilder::describe)
              .collect(Collectors.joining("\n  "));
      throw new UserError("the app does not compile:\n  " + errors);
    }
    TreeMap<String, Path> entries = new TreeMap<>();
    addTree(classes, entries);
    Path resources = project.resolve("src/main/resources");
    if (Files.isDirectory(resources)) {
      addTree(resources, entries);
    }
    Path jar = project.resolve("build/app.jar");
    if (toml.javaApplication().isEmpty()) {
      throw new UserError(
          "mse.toml has no java_application: name the main class of " + sources + " there");
    }
    writeJar(jar, toml.javaApplication().get(), entries);
    Files.copy(jar, code.resolve("app.jar"), StandardCopyOption.REPLACE_EXISTING);
    copyLibraries(libraries, code);
  }

  private static String describe(Diagnostic<? extends JavaFileObject> d) {
    String where =
        d.getSource() == null
            ? ""
            : Path.of(d.getSource().toUri()).getFileName() + ":" + d.getLineNumber() + ": ";
    return where + d.getMessage(Locale.ROOT);
  }

  private static Kind buildWithMaven(Path project, Path code, PrintWriter notes)
      throws IOException {
    notes.println("building with " + project.resolve("mvnw"));
    Path log = Files.createTempFile("mse-build", ".log");
    try {
      ProcessBuilder build =
          new ProcessBuilder(
                  project.resolve("mvnw").toString(),
                  "-B",
                  "-q",
                  "-DskipTests",
                  "package",
                  "dependency:copy-dependencies",
                  "-DincludeScope=runtime",
                  "-DoutputDirectory=target/mse-lib")
              .directory(project.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      // The project's own wrapper finds its project from its directory: a base directory set for
      // another Maven run (mse itself started by a wrapper, a test run) would build that one.
      build.environment().remove("MAVEN_PROJECTBASEDIR");
      int code0 = waitFor(build.start());
      if (code0 != 0) {
        throw new UserError("the Maven build failed (exit " + code0 + "):\n" + LogTail.of(log, 20));
      }
    } finally {
      Files.deleteIfExists(log);
    }
    Path target = project.resolve("target");
    Path quarkus = target.resolve(QUARKUS_DIR);
    if (Files.isRegularFile(quarkus.resolve("quarkus-run.jar"))) {
      // The fast-jar runs as the build laid it out (quarkus-run.jar's Class-Path names lib/ and
      // app/ relative to itself): the whole directory is the app, and nothing else.
      copyTree(quarkus, code.resolve(QUARKUS_DIR));
      return Kind.QUARKUS;
    }
    List<Path> jars;
    boolean shaded;
    try (Stream<Path> s = Files.list(target)) {
      List<Path> all = s.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
      shaded = all.stream().anyMatch(f -> f.getFileName().toString().startsWith("original-"));
      jars =
          all.stream()
              .filter(
                  f -> {
                    String n = f.getFileName().toString();
                    return !n.endsWith("-sources.jar")
                        && !n.endsWith("-javadoc.jar")
                        && !n.endsWith("-tests.jar")
                        && !n.startsWith("original-");
                  })
              .toList();
    }
    if (jars.size() != 1) {
      throw new UserError(
          "expected one jar in " + target + " after the build, found " + jars.size());
    }
    Path jar = jars.getFirst();
    Files.copy(jar, code.resolve(AppPackager.MAIN_JAR), StandardCopyOption.REPLACE_EXISTING);
    if (isSpringBootJar(jar)) {
      // Its libraries are nested under BOOT-INF/lib/: copies under lib/ would be loaded twice.
      return Kind.SPRING_BOOT;
    }
    if (shaded) {
      return Kind.SHADED;
    }
    Path lib = target.resolve("mse-lib");
    copyLibraries(Files.isDirectory(lib) ? list(lib, ".jar") : List.of(), code);
    return Kind.PLAIN;
  }

  /** A Spring Boot executable jar: its classes under BOOT-INF/classes/, its libraries nested. */
  static boolean isSpringBootJar(Path jar) throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      Manifest manifest = file.getManifest();
      return file.getEntry("BOOT-INF/classes/") != null
          || file.getEntry("BOOT-INF/lib/") != null
          || (manifest != null && manifest.getMainAttributes().getValue("Start-Class") != null);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path f : s.sorted().toList()) {
        Path dest = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(dest);
        } else if (Files.isRegularFile(f)) {
          Files.copy(f, dest, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static int waitFor(Process p) {
    try {
      return p.waitFor();
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new UserError("interrupted while building", e);
    }
  }

  private static void copyLibraries(List<Path> libraries, Path code) throws IOException {
    if (libraries.isEmpty()) {
      return;
    }
    Path lib = Files.createDirectories(code.resolve("lib"));
    for (Path jar : libraries) {
      Files.copy(jar, lib.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** A jar whose bytes depend only on its content: sorted entries, fixed times. */
  private static void writeJar(Path jar, String mainClass, TreeMap<String, Path> entries)
      throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
    manifest.getMainAttributes().putValue("Created-By", "mse");
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file)) {
      JarEntry m = new JarEntry("META-INF/MANIFEST.MF");
      m.setTimeLocal(FIXED_TIME);
      out.putNextEntry(m);
      manifest.write(out);
      out.closeEntry();
      for (var e : entries.entrySet()) {
        if (e.getKey().equals("META-INF/MANIFEST.MF")) {
          continue;
        }
        JarEntry entry = new JarEntry(e.getKey());
        entry.setTimeLocal(FIXED_TIME);
        out.putNextEntry(entry);
        Files.copy(e.getValue(), out);
        out.closeEntry();
      }
    }
  }

  private static void addTree(Path root, TreeMap<String, Path> entries) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        entries.put(root.relativize(f).toString().replace(File.separatorChar, '/'), f);
      }
    }
  }

  private static List<Path> list(Path root, String suffix) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile)
          .filter(f -> f.getFileName().toString().endsWith(suffix))
          .sorted()
          .toList();
    }
  }

  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
