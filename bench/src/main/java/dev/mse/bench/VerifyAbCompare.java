package dev.mse.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Compares two builds of a verification benchmark in one JVM on one thread: each build's {@code
 * benchmarks.jar} in its own class loader, the two run in alternating 100 ms slices, the thread's
 * CPU time summed per build after a warm-up of the first 30 %. Load from other processes then falls
 * on both builds alike, which a run of each after the other cannot promise on a shared machine.
 *
 * <pre>
 * java -Dmse.testvectors=... -cp bench/target/benchmarks.jar dev.mse.bench.VerifyAbCompare \
 *   A/benchmarks.jar B/benchmarks.jar dev.mse.bench.VerifyBenchmark full VECTOR SECONDS
 * </pre>
 */
public final class VerifyAbCompare {
  private VerifyAbCompare() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 6) {
      System.err.println("usage: VerifyAbCompare JAR_A JAR_B CLASS METHOD VECTOR SECONDS");
      System.exit(2);
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Object[] bench = new Object[2];
    Method[] call = new Method[2];
    for (int i = 0; i < 2; i++) {
      URLClassLoader loader =
          new URLClassLoader(
              new URL[] {Path.of(args[i]).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
      Class<?> type = Class.forName(args[2], true, loader);
      bench[i] = type.getConstructor().newInstance();
      type.getField("vector").set(bench[i], args[4]);
      type.getMethod("load").invoke(bench[i]);
      call[i] = type.getMethod(args[3]);
    }
    double seconds = Double.parseDouble(args[5]);
    long start = System.nanoTime();
    long warmEnd = start + (long) (seconds * 0.3e9);
    long end = start + (long) (seconds * 1e9);
    long[] cpu = new long[2];
    long[] calls = new long[2];
    while (System.nanoTime() < end) {
      for (int i = 0; i < 2; i++) {
        long cpu0 = threads.getCurrentThreadCpuTime();
        long n = 0;
        long sliceEnd = System.nanoTime() + 100_000_000L;
        while (System.nanoTime() < sliceEnd) {
          call[i].invoke(bench[i]);
          n++;
        }
        if (System.nanoTime() > warmEnd) {
          cpu[i] += threads.getCurrentThreadCpuTime() - cpu0;
          calls[i] += n;
        }
      }
    }
    double a = cpu[0] / 1e3 / calls[0];
    double b = cpu[1] / 1e3 / calls[1];
    System.out.printf(
        Locale.ROOT,
        "%s\t%s\tA %.1f us\tB %.1f us\tB/A %.3f\t(calls %d / %d)%n",
        args[4],
        args[3],
        a,
        b,
        b / a,
        calls[0],
        calls[1]);
  }
}
