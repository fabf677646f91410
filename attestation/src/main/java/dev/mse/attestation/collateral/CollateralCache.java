package dev.mse.attestation.collateral;

import dev.mse.attestation.codec.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An on-disk cache of collateral responses, one file per URL, so that verification keeps working
 * offline and Intel is asked only when something is due for renewal.
 *
 * <ul>
 *   <li>Freshness comes from the response itself (the {@code nextUpdate} of the TCB Info, enclave
 *       identity or CRL), judged by an injected {@link Clock}: fresh entries are served without
 *       network.
 *   <li>A stale or missing entry is fetched; if that fails and a stale copy exists, the stale copy
 *       is served and the lookup says so, because old collateral that the verifier may still accept
 *       is better than none, and the verifier checks its dates anyway.
 *   <li>Only one fetch per URL runs at a time in this cache instance: concurrent callers wait for
 *       it and share its result (single flight), so a burst of verifications makes one request.
 * </ul>
 *
 * <p>Files are named by the SHA-256 of the URL, written atomically and readable by the owner only
 * (0600 in a 0700 directory created here). A file that cannot be read is treated as missing.
 */
public final class CollateralCache {
  /** Cache files hold one response of at most a few MiB; anything larger is not ours. */
  private static final long MAX_FILE_BYTES = 64L << 20;

  private final Path directory;
  private final boolean posix;
  private final Clock clock;
  private final ConcurrentHashMap<String, CompletableFuture<Lookup>> inFlight =
      new ConcurrentHashMap<>();

  public CollateralCache(Path directory, Clock clock) {
    this.directory = directory;
    this.clock = clock;
    this.posix = directory.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  /**
   * A response as fetched and validated.
   *
   * @param headers the response headers worth keeping (such as issuer chains), lower-case names
   * @param nextUpdate after this instant the entry is stale
   */
  public record Entry(
      URI url,
      Map<String, String> headers,
      ByteString body,
      Instant nextUpdate,
      Instant fetchedAt) {
    public Entry {
      headers = Map.copyOf(headers);
    }
  }

  /** Where a lookup's entry came from. */
  public enum Source {
    FRESH_CACHE,
    NETWORK,
    STALE_CACHE
  }

  /**
   * The result of {@link #get}.
   *
   * @param failure why the stale entry was served ({@link Source#STALE_CACHE} only)
   */
  public record Lookup(Entry entry, Source source, Optional<PcsException> failure) {}

  /** Fetches and validates one response; throws {@link PcsException} for any failure. */
  @FunctionalInterface
  public interface Fetcher {
    Entry fetch() throws PcsException;
  }

  public Clock clock() {
    return clock;
  }

  /**
   * The entry for {@code url}: from disk while fresh, otherwise from {@code fetcher} (stored before
   * it is returned), otherwise the stale copy.
   *
   * @throws PcsException if the fetch failed and nothing is cached
   * @throws IOException if the cache directory cannot be written
   */
  public Lookup get(URI url, Fetcher fetcher) throws IOException {
    String key = key(url);
    Optional<Entry> cached = load(key, url);
    if (cached.isPresent() && isFresh(cached.get())) {
      return new Lookup(cached.get(), Source.FRESH_CACHE, Optional.empty());
    }
    CompletableFuture<Lookup> mine = new CompletableFuture<>();
    CompletableFuture<Lookup> running = inFlight.putIfAbsent(key, mine);
    if (running != null) {
      return await(running, url);
    }
    try {
      Lookup lookup = refresh(key, url, fetcher);
      mine.complete(lookup);
      return lookup;
    } catch (IOException | RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(key, mine);
    }
  }

  private Lookup refresh(String key, URI url, Fetcher fetcher) throws IOException {
    // Read again: a fetch that finished between our first look and taking the lead has stored a
    // fresh entry, and fetching once more would defeat the single flight.
    Optional<Entry> cached = load(key, url);
    if (cached.isPresent() && isFresh(cached.get())) {
      return new Lookup(cached.get(), Source.FRESH_CACHE, Optional.empty());
    }
    Entry fetched;
    try {
      fetched = fetcher.fetch();
    } catch (PcsException e) {
      if (cached.isPresent()) {
        return new Lookup(cached.get(), Source.STALE_CACHE, Optional.of(e));
      }
      throw e;
    }
    store(key, fetched);
    return new Lookup(fetched, Source.NETWORK, Optional.empty());
  }

  private static Lookup await(CompletableFuture<Lookup> running, URI url) throws IOException {
    try {
      return running.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException interrupted =
          new InterruptedIOException("interrupted while waiting for " + url);
      interrupted.initCause(e);
      throw interrupted;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof PcsException pcs) {
        throw new PcsException(pcs.url(), pcs.status().orElse(-1), pcs.getMessage(), pcs);
      }
      if (cause instanceof IOException io) {
        throw new IOException(io.getMessage(), io);
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IOException(cause);
    }
  }

  private boolean isFresh(Entry entry) {
    return clock.instant().isBefore(entry.nextUpdate());
  }

  /** The file name for {@code url}: hex SHA-256 of the URL text. */
  static String key(URI url) {
    return ByteString.of(url.toString().getBytes(StandardCharsets.UTF_8)).sha256().hex();
  }

  Path file(URI url) {
    return directory.resolve(key(url) + ".json");
  }

  private Optional<Entry> load(String key, URI url) {
    Path file = directory.resolve(key + ".json");
    try {
      if (!Files.isRegularFile(file) || Files.size(file) > MAX_FILE_BYTES) {
        return Optional.empty();
      }
      byte[] data;
      try (InputStream in = Files.newInputStream(file)) {
        data = in.readNBytes((int) MAX_FILE_BYTES);
      }
      JsonNode root = CollateralJson.MAPPER.readTree(data);
      if (!url.toString().equals(root.path("url").asString(""))) {
        return Optional.empty();
      }
      Map<String, String> headers = new TreeMap<>();
      for (Map.Entry<String, JsonNode> header : root.path("headers").properties()) {
        headers.put(header.getKey(), header.getValue().asString());
      }
      return Optional.of(
          new Entry(
              url,
              headers,
              ByteString.of(Base64.getDecoder().decode(root.path("body").asString())),
              Instant.parse(root.path("next_update").asString()),
              Instant.parse(root.path("fetched_at").asString())));
    } catch (IOException | RuntimeException e) {
      // Unreadable means missing: the entry will be fetched and overwritten.
      return Optional.empty();
    }
  }

  private void store(String key, Entry entry) throws IOException {
    ObjectNode root = CollateralJson.MAPPER.createObjectNode();
    root.put("url", entry.url().toString());
    root.put("fetched_at", entry.fetchedAt().toString());
    root.put("next_update", entry.nextUpdate().toString());
    ObjectNode headers = root.putObject("headers");
    new TreeMap<>(entry.headers()).forEach(headers::put);
    root.put("body", Base64.getEncoder().encodeToString(entry.body().toByteArray()));
    byte[] data = CollateralJson.MAPPER.writeValueAsBytes(root);

    createDirectory();
    Path temporary = Files.createTempFile(directory, key, ".tmp", permissions("rw-------"));
    try {
      Files.write(temporary, data);
      try {
        Files.move(
            temporary,
            directory.resolve(key + ".json"),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(
            temporary, directory.resolve(key + ".json"), StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  private void createDirectory() throws IOException {
    if (Files.isDirectory(directory)) {
      return;
    }
    Path parent = directory.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try {
      Files.createDirectory(directory, permissions("rwx------"));
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(directory)) {
        throw e;
      }
    }
  }

  /** POSIX permissions where the file system has them; none elsewhere. */
  private FileAttribute<?>[] permissions(String permissions) {
    return posix
        ? new FileAttribute<?>[] {
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))
        }
        : new FileAttribute<?>[0];
  }
}
