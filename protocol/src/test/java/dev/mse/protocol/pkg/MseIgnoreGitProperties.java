package dev.mse.protocol.pkg;

import static dev.mse.attestation.testing.PropertyCases.edge;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.testing.PropertyCases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compares our walk with git itself: for generated ignore files over a fixed tree, the files we
 * keep must be exactly the untracked, non-ignored files {@code git ls-files --others} lists.
 */
class MseIgnoreGitProperties {
  private static final List<String> FILES =
      List.of(
          "x.txt",
          "ab",
          "a/x.txt",
          "a/ab",
          "a/b/x.txt",
          "a/b/foo",
          "a/foo/y.log",
          "b/x.txt",
          "b/y.log",
          "b/[x]",
          "foo/ab",
          "foo/a/x.txt",
          "foo/a/b/ba",
          "foo/a/b/x.txt",
          "c d/e.txt");
  private static final boolean GIT_AVAILABLE = gitAvailable();
  private static final Path TREE = createTree();

  private static Path createTree() {
    try {
      Path root = Files.createTempDirectory("mseignore-git");
      Path tree = Files.createDirectories(root.resolve("tree"));
      for (String f : FILES) {
        Path p = tree.resolve(f);
        Files.createDirectories(p.getParent());
        Files.writeString(p, f);
      }
      run(root, "git", "init", "-q", "--bare", root.resolve("git").toString());
      return tree;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String run(Path dir, String... command) throws IOException {
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    try {
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(
            String.join(" ", command) + ": " + new String(out, StandardCharsets.UTF_8));
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static boolean gitAvailable() {
    try {
      run(Path.of("."), "git", "--version");
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static final List<String> SEGMENTS =
      List.of(
          "a",
          "b",
          "foo",
          "ab",
          "x.txt",
          "*",
          "**",
          "?",
          "[ab]",
          "*.txt",
          "x*",
          "[!a]*",
          "*b",
          "\\[x]",
          "[[:alpha:]]*",
          "a**",
          "c d",
          "y.log");

  /** What may come before a pattern: mostly nothing, as in real ignore files. */
  private static final List<String> NEGATIONS = List.of("", "", "!", "\\!");

  private static final List<String> LEADS = List.of("", "", "/");

  private static final List<String> TRAILS = List.of("", "", "/", "   ");

  /**
   * Each segment alone, each distinct prefix and suffix around {@code *}, five patterns of three
   * segments; then 1 to 5 random patterns of 1 to 3 segments.
   */
  static Stream<Named<String>> ignoreFiles() {
    List<Named<String>> edges = new ArrayList<>();
    for (String segment : SEGMENTS) {
      edges.add(edge(segment, segment + "\n"));
    }
    for (String negation : List.copyOf(new TreeSet<>(NEGATIONS))) {
      for (String lead : List.copyOf(new TreeSet<>(LEADS))) {
        for (String trail : List.copyOf(new TreeSet<>(TRAILS))) {
          String pattern = negation + lead + "*" + trail;
          edges.add(edge("'" + pattern + "'", pattern + "\n"));
        }
      }
    }
    edges.add(
        edge(
            "five patterns of three segments",
            "a/**/x.txt\n!foo/*/b\n/**/b/[x]\n\\!c d/**/*.txt/\n[!a]*/a**/y.log   \n"));
    return PropertyCases.of(
        0xc25f_8e17_a4d0_39b6L, 400, edges, MseIgnoreGitProperties::randomIgnoreFile);
  }

  private static String randomIgnoreFile(SplittableRandom random) {
    List<String> patterns = new ArrayList<>();
    for (int n = random.nextInt(1, 6); n > 0; n--) {
      List<String> segments = new ArrayList<>();
      for (int k = random.nextInt(1, 4); k > 0; k--) {
        segments.add(pick(random, SEGMENTS));
      }
      patterns.add(
          pick(random, NEGATIONS)
              + pick(random, LEADS)
              + String.join("/", segments)
              + pick(random, TRAILS));
    }
    return String.join("\n", patterns) + "\n";
  }

  private static String pick(SplittableRandom random, List<String> values) {
    return values.get(random.nextInt(values.size()));
  }

  @ParameterizedTest
  @MethodSource("ignoreFiles")
  void sameFilesAsGit(String ignoreFile) throws Exception {
    Assumptions.assumeTrue(GIT_AVAILABLE, "git is not installed");
    Path patterns = TREE.getParent().resolve("patterns");
    Files.writeString(patterns, ignoreFile);
    String out =
        run(
            TREE,
            "git",
            "--git-dir=" + TREE.getParent().resolve("git"),
            "--work-tree=" + TREE,
            "-c",
            "core.excludesFile=/dev/null",
            "-c",
            "core.quotePath=false",
            "ls-files",
            "--others",
            "-z",
            "--exclude-from=" + patterns);
    Set<String> git = new TreeSet<>();
    for (String s : out.split("\0")) {
      if (!s.isEmpty()) {
        git.add(s);
      }
    }
    Set<String> ours = new TreeSet<>();
    for (CodeArchive.Entry e : CodeArchive.list(TREE, MseIgnore.parse(ignoreFile))) {
      if (!e.directory()) {
        ours.add(e.path());
      }
    }
    assertThat(ours).as("patterns:\n%s", ignoreFile).isEqualTo(git);
  }
}
