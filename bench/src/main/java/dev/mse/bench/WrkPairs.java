package dev.mse.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * wrk against two servers of the same app, alternating in pairs so that load from elsewhere on the
 * machine hits both alike (RuntimeBench). Every run is {@code wrk -t2 -c64 -d<DURATION>} with
 * bench/wrk-runtime.lua, which prints the far tail and paces the connections when {@code PACE_MS}
 * is set.
 */
final class WrkPairs {
  private WrkPairs() {}

  /**
   * One side of a comparison.
   *
   * @param name how the output names it
   * @param url what wrk loads
   * @param pids the processes whose CPU time serves its requests (the runtime, or the proxy and the
   *     runtime behind it)
   */
  record Side(String name, String url, List<Long> pids) {}

  /** What wrk measured: requests, requests per second and latency percentiles (ms). */
  record Wrk(
      long requests,
      double rps,
      double p50Ms,
      double p90Ms,
      double p99Ms,
      double p999Ms,
      String errors) {
    String percentiles() {
      return String.format(Locale.ROOT, "%.2f/%.2f/%.2f/%.1f ms", p50Ms, p90Ms, p99Ms, p999Ms)
          + (errors.isEmpty() ? "" : " (" + errors + ")");
    }
  }

  /** The medians of the pairs' ratios (first side over second), for the summary. */
  record Ratios(double throughput, double p99, double p999) {
    static final Ratios NONE = new Ratios(Double.NaN, Double.NaN, Double.NaN);
  }

  /** {@code rounds} runs of each side, not measured: JIT, caches and connection pools warm up. */
  static void warmUp(int rounds, Side a, Side b) throws Exception {
    for (int w = 0; w < rounds; w++) {
      for (Side s : List.of(a, b)) {
        System.out.printf(
            Locale.ROOT, "  warm-up %s: %.0f req/s%n", s.name(), wrk(s.url(), null).rps);
      }
    }
  }

  /**
   * Runs {@code pairs} pairs of {@code a} then {@code b}, paced by {@code paceMs} when not null,
   * prints each pair (with the CPU time each side's processes spent per request, which a busy
   * machine distorts less than rates) and returns the medians of the ratios a/b.
   */
  static Ratios compare(String label, int pairs, String paceMs, Side a, Side b) throws Exception {
    if (pairs <= 0) {
      return Ratios.NONE;
    }
    List<Double> throughput = new ArrayList<>();
    List<Double> p99 = new ArrayList<>();
    List<Double> p999 = new ArrayList<>();
    for (int pair = 0; pair < pairs; pair++) {
      String load = loadAverage();
      Map<String, Long> threadsA0 = threadCpuMs(a.pids());
      long cpuA0 = cpuMs(a.pids());
      Wrk wa = wrk(a.url(), paceMs);
      long cpuA1 = cpuMs(a.pids());
      Map<String, Long> threadsA1 = threadCpuMs(a.pids());
      Map<String, Long> threadsB0 = threadCpuMs(b.pids());
      long cpuB0 = cpuMs(b.pids());
      Wrk wb = wrk(b.url(), paceMs);
      long cpuB1 = cpuMs(b.pids());
      Map<String, Long> threadsB1 = threadCpuMs(b.pids());
      throughput.add(wa.rps / wb.rps);
      p99.add(wa.p99Ms / wb.p99Ms);
      p999.add(wa.p999Ms / wb.p999Ms);
      System.out.printf(
          Locale.ROOT,
          "  %s pair %d (load %s): %s %.0f req/s p50/90/99/99.9 %s, %.1f µs CPU/request;"
              + " %s %.0f req/s %s, %.1f µs; ratios: throughput %.3f, p99 %.2f, p99.9 %.2f%n",
          label,
          pair + 1,
          load,
          a.name(),
          wa.rps,
          wa.percentiles(),
          (cpuA1 - cpuA0) * 1000.0 / wa.requests,
          b.name(),
          wb.rps,
          wb.percentiles(),
          (cpuB1 - cpuB0) * 1000.0 / wb.requests,
          wa.rps / wb.rps,
          wa.p99Ms / wb.p99Ms,
          wa.p999Ms / wb.p999Ms);
      System.out.printf(
          Locale.ROOT,
          "    CPU/request by thread: %s %s; %s %s%n",
          a.name(),
          perRequest(threadsA0, threadsA1, wa.requests),
          b.name(),
          perRequest(threadsB0, threadsB1, wb.requests));
    }
    Ratios r = new Ratios(median(throughput), median(p99), median(p999));
    System.out.printf(
        Locale.ROOT,
        "  %s%s, %s over %s: median throughput ratio %.3f, p99 ratio %.2f, p99.9 ratio %.2f"
            + " (load now %s)%n",
        label,
        paceMs == null ? "" : " (" + paceMs + " ms between requests on average)",
        a.name(),
        b.name(),
        r.throughput(),
        r.p99(),
        r.p999(),
        loadAverage());
    return r;
  }

  /** One wrk run, paced by {@code paceMs} when not null. */
  static Wrk wrk(String url, String paceMs) throws Exception {
    ProcessBuilder wrk =
        new ProcessBuilder(
                "wrk",
                "-t2",
                "-c64",
                "-d" + System.getenv().getOrDefault("DURATION", "10s"),
                "--latency",
                "-s",
                "bench/wrk-runtime.lua",
                url)
            .redirectErrorStream(true);
    // The script reads PACE_MS: set for paced runs only, never inherited from this process.
    if (paceMs != null) {
      wrk.environment().put("PACE_MS", paceMs);
    } else {
      wrk.environment().remove("PACE_MS");
    }
    Process p = wrk.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    Matcher rps = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(out);
    Matcher total = Pattern.compile("([0-9]+) requests in").matcher(out);
    Matcher tail = Pattern.compile("TAIL p99.9=([0-9]+) ").matcher(out);
    if (!rps.find() || !total.find() || !tail.find()) {
      throw new IllegalStateException("cannot read wrk's output:\n" + out);
    }
    // Non-2xx answers make the rates meaningless: stop rather than report them.
    if (out.contains("Non-2xx")) {
      throw new IllegalStateException("wrk saw error answers from " + url + ":\n" + out);
    }
    // Socket errors (a timeout, say) are reported with the pair.
    Matcher errors = Pattern.compile("Socket errors: ([^\n]*)").matcher(out);
    return new Wrk(
        Long.parseLong(total.group(1)),
        Double.parseDouble(rps.group(1)),
        percentileMs(out, "50%"),
        percentileMs(out, "90%"),
        percentileMs(out, "99%"),
        Long.parseLong(tail.group(1)) / 1000.0,
        errors.find() ? "socket errors: " + errors.group(1).trim() : "");
  }

  private static double percentileMs(String wrkOutput, String percentile) {
    Matcher m =
        Pattern.compile(Pattern.quote(percentile) + "\\s+([0-9.]+)(us|ms|s)").matcher(wrkOutput);
    if (!m.find()) {
      throw new IllegalStateException("no " + percentile + " latency in wrk's output");
    }
    double latency = Double.parseDouble(m.group(1));
    return switch (m.group(2)) {
      case "us" -> latency / 1000;
      case "s" -> latency * 1000;
      default -> latency;
    };
  }

  /** User and system CPU time of processes so far, in ms (from /proc, 100 ticks a second). */
  static long cpuMs(List<Long> pids) throws IOException {
    long total = 0;
    for (long pid : pids) {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      total += (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
    }
    return total;
  }

  /**
   * CPU time (ms) of the processes' threads so far, summed by thread name without its trailing
   * number ({@code ForkJoinPool-1-worker-}, {@code C2 CompilerThre}, {@code HTTP-Dispatcher}...):
   * which threads take the CPU a side spends more, when two sides of the same app differ. Threads
   * that ended in between are missed, which the process totals are not.
   */
  static Map<String, Long> threadCpuMs(List<Long> pids) throws IOException {
    Map<String, Long> byName = new TreeMap<>();
    for (long pid : pids) {
      try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
        for (Path task : (Iterable<Path>) tasks::iterator) {
          try {
            String name = Files.readString(task.resolve("comm")).strip().replaceAll("[0-9]+$", "");
            String stat = Files.readString(task.resolve("stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            byName.merge(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10, Long::sum);
          } catch (IOException gone) {
            // The thread ended while listed.
          }
        }
      }
    }
    return byName;
  }

  /** The threads that took at least 0.5 µs per request, the most first. */
  private static String perRequest(
      Map<String, Long> before, Map<String, Long> after, long requests) {
    List<String> parts = new ArrayList<>();
    after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
        .filter(e -> e.getValue() * 1000.0 / requests >= 0.5)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(
            e ->
                parts.add(
                    String.format(
                        Locale.ROOT, "%s %.1f", e.getKey(), e.getValue() * 1000.0 / requests)));
    return parts.isEmpty() ? "-" : String.join(", ", parts) + " µs";
  }

  /** The 1-minute load average, to say how busy the machine was. */
  static String loadAverage() throws IOException {
    return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
  }

  /** The median; of an even count, the mean of the two middle values. */
  static double median(List<? extends Number> values) {
    List<Double> sorted = new ArrayList<>();
    values.forEach(v -> sorted.add(v.doubleValue()));
    sorted.sort(null);
    int n = sorted.size();
    if (n == 0) {
      return Double.NaN;
    }
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
