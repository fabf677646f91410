package dev.mse.protocol.pkg;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The examples of gitignore(5), and the rules it states, one by one. */
class MseIgnoreTest {

  private static boolean ignored(String patterns, String path, boolean dir) {
    return MseIgnore.parse(patterns).isIgnored(path, dir);
  }

  @Test
  void commentsBlankLinesAndEscapes() {
    String p = "# comment\n\n\\#hash\n\\!bang\n";
    assertThat(ignored(p, "# comment", false)).isFalse();
    assertThat(ignored(p, "#hash", false)).isTrue();
    assertThat(ignored(p, "!bang", false)).isTrue();
  }

  @Test
  void trailingSpacesIgnoredUnlessEscaped() {
    assertThat(ignored("foo   \n", "foo", false)).isTrue();
    assertThat(ignored("foo\\ \n", "foo ", false)).isTrue();
    assertThat(ignored("foo\\ \n", "foo", false)).isFalse();
  }

  @Test
  void crlfLinesAndBom() {
    assertThat(ignored("\uFEFFa.txt\r\nb.txt\r\n", "a.txt", false)).isTrue();
    assertThat(ignored("\uFEFFa.txt\r\nb.txt\r\n", "b.txt", false)).isTrue();
  }

  @Test
  void helloStar() {
    // "hello.*" matches any file or directory whose name begins with hello.
    assertThat(ignored("hello.*", "hello.c", false)).isTrue();
    assertThat(ignored("hello.*", "a/b/hello.java", false)).isTrue();
    assertThat(ignored("hello.*", "hello.d", true)).isTrue();
    assertThat(ignored("hello.*", "hello", false)).isFalse();
  }

  @Test
  void trailingSlashMatchesDirectoriesOnly() {
    // "doc/frotz/" matches doc/frotz directory, but not a/doc/frotz directory
    assertThat(ignored("doc/frotz/", "doc/frotz", true)).isTrue();
    assertThat(ignored("doc/frotz/", "a/doc/frotz", true)).isFalse();
    assertThat(ignored("doc/frotz/", "doc/frotz", false)).isFalse();
    // "frotz/" matches frotz and a/frotz that are directories
    assertThat(ignored("frotz/", "frotz", true)).isTrue();
    assertThat(ignored("frotz/", "a/frotz", true)).isTrue();
    assertThat(ignored("frotz/", "a/frotz", false)).isFalse();
    assertThat(ignored("frotz/", "frotz/inside.txt", false)).isTrue();
  }

  @Test
  void leadingAndMiddleSlashAnchor() {
    assertThat(ignored("/bar", "bar", false)).isTrue();
    assertThat(ignored("/bar", "a/bar", false)).isFalse();
    assertThat(ignored("doc/frotz", "doc/frotz", false)).isTrue();
    assertThat(ignored("/doc/frotz", "doc/frotz", false)).isTrue();
    assertThat(ignored("doc/frotz", "a/doc/frotz", false)).isFalse();
    assertThat(ignored("bar", "a/bar", false)).isTrue();
  }

  @Test
  void starDoesNotCrossSlashes() {
    // "foo/*" matches foo/test.json and foo/bar, not foo/bar/hello.c (except through foo/bar)
    assertThat(MseIgnore.parse("foo/*").excludes("foo/test.json", false)).isTrue();
    assertThat(MseIgnore.parse("foo/*").excludes("foo/bar", true)).isTrue();
    assertThat(MseIgnore.parse("foo/*").excludes("foo/bar/hello.c", false)).isFalse();
    assertThat(ignored("foo/*", "foo/bar/hello.c", false)).isTrue();
    assertThat(ignored("doc/*.txt", "doc/a.txt", false)).isTrue();
    assertThat(ignored("doc/*.txt", "doc/x/a.txt", false)).isFalse();
  }

  @Test
  void doubleStar() {
    assertThat(ignored("**/foo", "foo", false)).isTrue();
    assertThat(ignored("**/foo", "a/b/foo", false)).isTrue();
    assertThat(ignored("**/foo/bar", "foo/bar", false)).isTrue();
    assertThat(ignored("**/foo/bar", "x/foo/bar", false)).isTrue();
    assertThat(ignored("abc/**", "abc/x", false)).isTrue();
    assertThat(ignored("abc/**", "abc/x/y", false)).isTrue();
    assertThat(MseIgnore.parse("abc/**").excludes("abc", true)).isFalse();
    assertThat(ignored("a/**/b", "a/b", false)).isTrue();
    assertThat(ignored("a/**/b", "a/x/b", false)).isTrue();
    assertThat(ignored("a/**/b", "a/x/y/b", false)).isTrue();
    assertThat(ignored("a/**/b", "a/x/y/c", false)).isFalse();
    // other consecutive asterisks are regular asterisks
    assertThat(ignored("a**b", "axxb", false)).isTrue();
  }

  @Test
  void questionMarkAndClasses() {
    assertThat(ignored("?.txt", "a.txt", false)).isTrue();
    assertThat(ignored("?.txt", "ab.txt", false)).isFalse();
    assertThat(ignored("[abc].txt", "b.txt", false)).isTrue();
    assertThat(ignored("[!abc].txt", "b.txt", false)).isFalse();
    assertThat(ignored("[^abc].txt", "d.txt", false)).isTrue();
    assertThat(ignored("[a-c].txt", "c.txt", false)).isTrue();
    assertThat(ignored("[[:digit:]].txt", "7.txt", false)).isTrue();
    assertThat(ignored("[[:digit:]].txt", "x.txt", false)).isFalse();
    assertThat(ignored("a/[/]b", "a/b", false)).isFalse();
  }

  @Test
  void negationLastMatchWins() {
    String p = "*.log\n!keep.log\n";
    assertThat(ignored(p, "x.log", false)).isTrue();
    assertThat(ignored(p, "keep.log", false)).isFalse();
    assertThat(ignored("!keep.log\n*.log\n", "keep.log", false)).isTrue();
  }

  @Test
  void excludeEverythingExceptFooBar() {
    String p = "/*\n!/foo\n/foo/*\n!/foo/bar\n";
    assertThat(ignored(p, "a", false)).isTrue();
    assertThat(ignored(p, "foo", true)).isFalse();
    assertThat(ignored(p, "foo/x", false)).isTrue();
    assertThat(ignored(p, "foo/bar", true)).isFalse();
    assertThat(ignored(p, "foo/bar/deep.txt", false)).isFalse();
  }

  @Test
  void cannotReIncludeInsideAnIgnoredDirectory() {
    String p = "build/\n!build/keep.jar\n";
    assertThat(ignored(p, "build/keep.jar", false)).isTrue();
  }

  @Test
  void alwaysExcludedAtAnyDepthAndNotReIncludable() {
    MseIgnore ignore = MseIgnore.parse("!mse.toml\n!secrets.json\n");
    for (String name : MseIgnore.ALWAYS_EXCLUDED) {
      assertThat(ignore.isIgnored(name, false)).as(name).isTrue();
      assertThat(ignore.isIgnored("sub/" + name, false)).as(name).isTrue();
    }
    assertThat(MseIgnore.none().isIgnored(".hidden", false)).isFalse();
  }
}
