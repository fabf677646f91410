package dev.mse.enclave.launcher;

import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

/**
 * The one class on the runtime JVM's class path ({@code mse-enclave-launcher.jar}, whose manifest
 * names it {@code Main-Class} and {@code Launcher-Agent-Class}). It loads the runtime from {@code
 * mse-enclave.jar} and the {@code lib/} its manifest names, in a class loader of their own whose
 * parent is the JDK's platform loader, and leaves the JVM's application class loader to the app.
 * The JVM's ahead-of-time cache covers classes of such a loader; it does not when a custom system
 * class loader is set. The {@link Instrumentation} the JVM gives a launcher agent (it cannot
 * redefine classes: the manifest does not ask for that) goes to the runtime, which needs it once,
 * to add the app's jars to the application class loader, and is not kept here: the app sees this
 * class.
 */
public final class RuntimeLauncher {
  private static Instrumentation instrumentation;

  private RuntimeLauncher() {}

  /** Called by the JVM before {@link #main}, as the jar's {@code Launcher-Agent-Class}. */
  public static void agentmain(String args, Instrumentation inst) {
    instrumentation = inst;
  }

  public static void main(String[] args) throws Throwable {
    Instrumentation inst = instrumentation;
    instrumentation = null;
    // Started as java -jar: the class path is this jar alone. (Not this class's code source: taken
    // from the ahead-of-time cache in a distribution moved since the cache was made, it has none.)
    Path dir = Path.of(System.getProperty("java.class.path")).toAbsolutePath().getParent();
    URL runtimeJar = dir.resolve("mse-enclave.jar").toUri().toURL();
    ClassLoader runtime =
        new URLClassLoader(
            "mse-runtime", new URL[] {runtimeJar}, ClassLoader.getPlatformClassLoader());
    // The runtime's threads, and the ones they start, look up services in the runtime's loader.
    Thread.currentThread().setContextClassLoader(runtime);
    MethodHandles.publicLookup()
        .findStatic(
            Class.forName("dev.mse.enclave.runtime.RuntimeMain", true, runtime),
            "main",
            MethodType.methodType(void.class, String[].class, Instrumentation.class))
        .invokeExact(args, inst);
  }
}
