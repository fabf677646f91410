package dev.mse.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The CPU time of one verification, per vector and mode, measured with the thread's CPU clock: on a
 * shared machine (other builds running) JMH's wall-clock averages include the time the thread
 * waited for a core, while the CPU time per call stays close to what an idle machine shows. The
 * same benchmark states as JMH's ({@link VerifyBenchmark}, {@link SnpNitroVerifyBenchmark}).
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.mse.bench.VerifyCpuTime [seconds per case] [filter]
 * </pre>
 *
 * A filter keeps the cases whose "vector mode" contains it.
 */
public final class VerifyCpuTime {
  private VerifyCpuTime() {}

  private record Case(String vector, String mode, Supplier<Object> call) {}

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
    List<Case> cases = new ArrayList<>();
    for (String v : params(VerifyBenchmark.class)) {
      VerifyBenchmark b = new VerifyBenchmark();
      b.vector = v;
      b.load();
      cases.add(new Case(v, "full", b::full));
      cases.add(new Case(v, "warm", b::warm));
    }
    for (String v : params(SnpNitroVerifyBenchmark.class)) {
      SnpNitroVerifyBenchmark b = new SnpNitroVerifyBenchmark();
      b.vector = v;
      b.load();
      cases.add(new Case(v, "full", b::full));
      cases.add(new Case(v, "cached", b::cached));
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    System.out.println("vector\tmode\tcalls\tcpu_us_per_call\twall_us_per_call");
    String filter = args.length > 1 ? args[1] : "";
    List<Case> selected =
        cases.stream().filter(c -> (c.vector() + " " + c.mode()).contains(filter)).toList();
    // A first pass over every case, unreported, so that C2 has compiled the shared code (parsing,
    // ECDSA) before any case is measured, not only the cases measured late.
    for (Case c : selected) {
      run(c, seconds, threads);
    }
    for (Case c : selected) {
      long[] r = run(c, seconds, threads);
      System.out.printf(
          Locale.ROOT,
          "%s\t%s\t%d\t%.1f\t%.1f%n",
          c.vector(),
          c.mode(),
          r[0],
          r[1] / 1e3 / r[0],
          r[2] / 1e3 / r[0]);
    }
  }

  private static long[] run(Case c, double seconds, ThreadMXBean threads) {
    long calls = 0;
    long cpu0 = threads.getCurrentThreadCpuTime();
    long wall0 = System.nanoTime();
    long end = wall0 + (long) (seconds * 1e9);
    Object sink = null;
    while (System.nanoTime() < end) {
      sink = c.call().get();
      calls++;
    }
    if (sink == null) {
      throw new IllegalStateException("no result");
    }
    return new long[] {calls, threads.getCurrentThreadCpuTime() - cpu0, System.nanoTime() - wall0};
  }

  private static String[] params(Class<?> benchmark) throws NoSuchFieldException {
    return benchmark
        .getField("vector")
        .getAnnotation(org.openjdk.jmh.annotations.Param.class)
        .value();
  }
}
