package dev.mse.protocol.pkg;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Cases in the style of git's t/t3070-wildmatch.sh (pathname mode), checked with git 2.39
 * check-ignore wherever the text can be a file.
 */
class WildmatchTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = ' ',
      value = {
        "1 foo foo",
        "0 foo bar",
        "1 ??? foo",
        "0 ?? foo",
        "1 * foo",
        "1 f* foo",
        "0 *f foo",
        "1 *foo* foo",
        "1 *ob*a*r* foobar",
        "1 *ab aaaaaaabababab",
        "1 foo\\* foo*",
        "0 foo\\*bar foobar",
        "1 f\\\\oo f\\oo",
        "1 *[al]? ball",
        "0 [ten] ten",
        "1 **[!te] ten",
        "0 **[!ten] ten",
        "1 t[a-g]n ten",
        "0 t[!a-g]n ten",
        "1 t[!a-g]n ton",
        "1 t[^a-g]n ton",
        "1 ]] ]]",
        "1 a[]]b a]b",
        "1 a[]-]b a-b",
        "1 a[]-]b a]b",
        "0 a[]-]b aab",
        "1 a[]a-]b aab",
        "1 ] ]",
        "0 foo*bar foo/baz/bar",
        "0 foo**bar foo/baz/bar",
        "0 foo?bar foo/bar",
        "0 foo[/]bar foo/bar",
        "0 f[^eiu][^eiu][^eiu][^eiu][^eiu]r foo/bar",
        "1 f[^eiu][^eiu][^eiu][^eiu][^eiu]r foo-bar",
        "1 **/foo foo",
        "1 **/foo XXX/foo",
        "1 **/foo bar/baz/foo",
        "0 */foo bar/baz/foo",
        "0 **/bar* foo/bar/baz",
        "1 **/bar/* deep/foo/bar/baz",
        "0 **/bar/* deep/foo/bar/baz/",
        "1 **/bar/** deep/foo/bar/baz/",
        "0 **/bar/* deep/foo/bar",
        "1 **/bar/** deep/foo/bar/",
        "0 **/bar** foo/bar/baz",
        "1 */bar/** foo/bar/baz/x",
        "0 */bar/** deep/foo/bar/baz/x",
        "1 **/bar/*/* deep/foo/bar/baz/x",
        "0 a[c-c]st acrt",
        "1 a[c-c]rt acrt",
        "0 [!] -",
        "1 [\\\\] \\",
        "1 [[:alpha:]][[:digit:]][[:upper:]] a1B",
        "0 [[:digit:][:upper:][:space:]] a",
        "1 [[:digit:][:upper:][:space:]] A",
        "1 [[:digit:][:punct:][:space:]] .",
        "1 [[:xdigit:]] f",
        "0 [[:xdigit:]] g",
        "1 [a-c[:digit:]x-z] 5",
        "1 [a-c[:digit:]x-z] b",
        "0 [a-c[:digit:]x-z] q",
        "0 **/*a*b*g*n*t XXX/abcdefghijklmnopqrstuvwxyz",
        "1 **/*a*b*g*n*z XXX/abcdefghijklmnopqrstuvwxyz",
        "1 -*-*-*-*-*-*-12-*-*-*-m-*-*-* -adobe-courier-bold-o-normal--12-120-75-75-m-70-iso8859-1",
        "0 -*-*-*-*-*-*-12-*-*-*-m-*-*-* -adobe-courier-bold-o-normal--12-120-75-75-X-70-iso8859-1",
        "1 XXX/*/*/*/*/*/*/12/*/*/*/m/*/*/* XXX/adobe/courier/bold/o/normal//12/120/75/75/m/70/iso8859/1",
        "0 XXX/*/*/*/*/*/*/12/*/*/*/m/*/*/* XXX/adobe/courier/bold/o/normal//12/120/75/75/X/70/iso8859/1",
        "1 **/*a*b*g*n*t abcd/abcdefg/abcdefghijk/abcdefghijklmnop.txt",
        "0 **/*a*b*g*n*t abcd/abcdefg/abcdefghijk/abcdefghijklmnop.txtz",
        "1 */*/* a/b/c",
        "0 */*/* a/b",
        "1 a/**/b a/b",
        "1 a/**/b a/x/y/b",
      })
  void gitWildmatchCases(int expected, String pattern, String text) {
    assertThat(Wildmatch.matches(pattern, text, true))
        .as("%s vs %s", pattern, text)
        .isEqualTo(expected == 1);
  }
}
