package dev.mse.protocol.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodeArchiveTest {
  @TempDir Path dir;

  private void file(String path, String content) throws Exception {
    Path p = dir.resolve(path);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
  }

  private void sampleTree() throws Exception {
    file("app.jar", "jar");
    file("lib/dep.jar", "dep");
    file("lib/z.jar", "z");
    file("lib-x/a.txt", "a");
    file(".hidden/config", "hidden");
    file("mse.toml", "name = 'x'");
    file("secrets.json", "{}");
    file("sub/secrets_to_seal.json", "{}");
    file("build/out.class", "x");
    file("très-long-" + "n".repeat(120) + "/fichier-é.txt", "utf8");
    file(".mseignore", "build/\n");
    Files.createDirectories(dir.resolve("empty"));
  }

  @Test
  void sortedDeterministicEntries() throws Exception {
    sampleTree();
    byte[] first = CodeArchive.create(dir);
    // different times and permissions on disk change nothing
    Files.setLastModifiedTime(dir.resolve("app.jar"), FileTime.fromMillis(123456789));
    Files.setPosixFilePermissions(
        dir.resolve("app.jar"), PosixFilePermissions.fromString("rwx------"));
    Thread.sleep(1100);
    byte[] second = CodeArchive.create(dir);
    assertThat(second).isEqualTo(first);
    assertThat(CodeArchive.sha256(first)).isEqualTo(CodeArchive.sha256(second));

    List<String> names = new ArrayList<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(first))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        names.add(e.getName());
        assertThat(e.getModTime().getTime()).isZero();
        assertThat(e.getLongUserId()).isZero();
        assertThat(e.getLongGroupId()).isZero();
        assertThat(e.getUserName()).isEmpty();
        assertThat(e.getGroupName()).isEmpty();
        assertThat(e.getMode()).isEqualTo(e.isDirectory() ? 040755 : 0100644);
      }
    }
    assertThat(names)
        .containsExactly(
            ".hidden/",
            ".hidden/config",
            "app.jar",
            "empty/",
            "lib-x/",
            "lib-x/a.txt",
            "lib/",
            "lib/dep.jar",
            "lib/z.jar",
            "sub/",
            "très-long-" + "n".repeat(120) + "/",
            "très-long-" + "n".repeat(120) + "/fichier-é.txt");
  }

  @Test
  void readerGivesBackTheFiles() throws Exception {
    sampleTree();
    ArchiveContents contents =
        CodeArchiveReader.read(CodeArchive.create(dir), ArchiveLimits.DEFAULT);
    assertThat(contents.files())
        .containsOnlyKeys(
            ".hidden/config",
            "app.jar",
            "lib-x/a.txt",
            "lib/dep.jar",
            "lib/z.jar",
            "très-long-" + "n".repeat(120) + "/fichier-é.txt");
    assertThat(contents.file("lib/dep.jar").orElseThrow().toByteArray())
        .isEqualTo("dep".getBytes(StandardCharsets.UTF_8));
    assertThat(contents.directories()).contains("empty", "sub", "lib");
  }

  @Test
  void symlinksAreRefusedUnlessIgnored() throws Exception {
    file("a.txt", "a");
    Files.createSymbolicLink(dir.resolve("link"), dir.resolve("a.txt"));
    assertThatThrownBy(() -> CodeArchive.create(dir, MseIgnore.none()))
        .isInstanceOf(CodeArchiveException.class)
        .hasMessageContaining("symbolic link, link");
    assertThat(CodeArchive.list(dir, MseIgnore.parse("link"))).hasSize(1);
  }

  private static byte[] tar(Object... nameContentPairs) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = DeterministicTar.open(out)) {
      for (int i = 0; i < nameContentPairs.length; i += 2) {
        String name = (String) nameContentPairs[i];
        if (nameContentPairs[i + 1] instanceof TarArchiveEntry entry) {
          tar.putArchiveEntry(entry);
        } else if (name.endsWith("/")) {
          tar.putArchiveEntry(DeterministicTar.directoryEntry(name));
        } else {
          byte[] content = ((String) nameContentPairs[i + 1]).getBytes(StandardCharsets.UTF_8);
          tar.putArchiveEntry(DeterministicTar.fileEntry(name, content.length));
          tar.write(content);
        }
        tar.closeArchiveEntry();
      }
    }
    return out.toByteArray();
  }

  private static TarArchiveEntry raw(String name) {
    TarArchiveEntry e = new TarArchiveEntry(name, true);
    e.setSize(0);
    return e;
  }

  @Test
  void readerRefusesHostileArchives() throws Exception {
    TarArchiveEntry symlink = new TarArchiveEntry("l", TarArchiveEntry.LF_SYMLINK);
    symlink.setLinkName("/etc/passwd");
    TarArchiveEntry hardlink = new TarArchiveEntry("h", TarArchiveEntry.LF_LINK);
    hardlink.setLinkName("a");
    List<byte[]> hostile =
        List.of(
            tar("/abs", raw("/abs")),
            tar("../up", raw("../up")),
            tar("a/../../up", raw("a/../../up")),
            tar("a//b", raw("a//b")),
            tar("./a", raw("./a")),
            tar("a\\b", raw("a\\b")),
            tar("a", "1", "a", "2"),
            tar("a/", null, "a", "x"),
            tar("a", "x", "a/b", "y"),
            tar("a/b", "y", "a", "x"),
            tar("a/b", "y", "a/", null),
            tar("l", symlink),
            tar("h", hardlink),
            "not a tar at all, just some bytes that are long enough"
                .repeat(20)
                .getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < hostile.size(); i++) {
      byte[] archive = hostile.get(i);
      assertThat(catchThrowable(() -> CodeArchiveReader.read(archive, ArchiveLimits.DEFAULT)))
          .as("case %d", i)
          .isInstanceOf(CodeArchiveException.class);
    }
  }

  @Test
  void readerEnforcesLimits() throws Exception {
    byte[] archive = tar("a", "12345", "b", "67890");
    assertThatThrownBy(() -> CodeArchiveReader.read(archive, new ArchiveLimits(1, 100, 100)))
        .isInstanceOf(CodeArchiveException.class)
        .hasMessageContaining("entries");
    assertThatThrownBy(() -> CodeArchiveReader.read(archive, new ArchiveLimits(10, 9, 100)))
        .isInstanceOf(CodeArchiveException.class)
        .hasMessageContaining("bytes");
    byte[] longName = tar("x".repeat(300), "1");
    assertThatThrownBy(() -> CodeArchiveReader.read(longName, new ArchiveLimits(10, 9, 100)))
        .isInstanceOf(CodeArchiveException.class);
    assertThat(CodeArchiveReader.read(archive, new ArchiveLimits(2, 10, 1)).files()).hasSize(2);
  }

  @Test
  void truncatedArchiveIsRefused() throws Exception {
    byte[] archive = tar("a", "x".repeat(2000));
    byte[] cut = java.util.Arrays.copyOf(archive, 1024);
    assertThatThrownBy(() -> CodeArchiveReader.read(cut, ArchiveLimits.DEFAULT))
        .isInstanceOf(CodeArchiveException.class);
  }

  @Test
  void errorsShowAShortEscapedExcerptOfAPath() {
    // a symbolic link whose 99-byte name hides a bidi override and a terminal escape
    String name = "\u202e\u001b[2J" + "y".repeat(92);
    byte[] archive =
        HostileTar.tarOf(
            name, org.apache.commons.compress.archivers.tar.TarConstants.LF_SYMLINK, new byte[0]);
    assertThatThrownBy(() -> CodeArchiveReader.read(archive, ArchiveLimits.DEFAULT))
        .isInstanceOf(CodeArchiveException.class)
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .contains("'\\u202e\\u001b[2J")
                    .doesNotContain("\u202e")
                    .doesNotContain("y".repeat(65))
                    .hasSizeLessThan(150));
  }
}
