package dev.mse.protocol.pkg;

import dev.mse.attestation.codec.ByteString;
import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The files and directories of a code archive, in memory: the enclave loads the app from here so
 * that plaintext code never reaches storage outside the TEE. Paths are relative, {@code
 * /}-separated, without a trailing slash.
 */
public final class ArchiveContents {
  private final SortedMap<String, ByteString> files;
  private final SortedSet<String> directories;

  ArchiveContents(SortedMap<String, ByteString> files, SortedSet<String> directories) {
    this.files = Collections.unmodifiableSortedMap(new TreeMap<>(files));
    this.directories = Collections.unmodifiableSortedSet(new TreeSet<>(directories));
  }

  /** Every regular file and its content. */
  public SortedMap<String, ByteString> files() {
    return files;
  }

  /** The directories that had their own entry. */
  public SortedSet<String> directories() {
    return directories;
  }

  public Optional<ByteString> file(String path) {
    return Optional.ofNullable(files.get(path));
  }
}
