package dev.mse.protocol.pkg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

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

  @Provide
  Arbitrary<String> ignoreFiles() {
    Arbitrary<String> segment =
        Arbitraries.of(
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
    Arbitrary<String> pattern =
        Combinators.combine(
                Arbitraries.of("", "", "!", "\\!"),
                Arbitraries.of("", "", "/"),
                segment.list().ofMinSize(1).ofMaxSize(3),
                Arbitraries.of("", "", "/", "   "))
            .as((neg, lead, segs, trail) -> neg + lead + String.join("/", segs) + trail);
    return pattern.list().ofMinSize(1).ofMaxSize(5).map(l -> String.join("\n", l) + "\n");
  }

  @Property(tries = 400)
  void sameFilesAsGit(@ForAll("ignoreFiles") String ignoreFile) throws Exception {
    Assume.that(gitAvailable());
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
