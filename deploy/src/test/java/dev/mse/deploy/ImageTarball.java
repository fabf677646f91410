package dev.mse.deploy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * An image tarball as Jib writes it: an OCI image layout ({@code index.json}, {@code
 * blobs/sha256/…}) or a {@code docker save} one ({@code manifest.json}). Read whole, each blob
 * checked against its digest.
 *
 * @param config the image configuration (its {@code config} holds entrypoint, user, env, labels)
 * @param layers each layer's files, by path without the leading {@code ./} or {@code /}
 */
record ImageTarball(JsonNode config, List<Map<String, TarArchiveEntry>> layers) {
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  static ImageTarball read(Path tarball) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    try (InputStream in = Files.newInputStream(tarball);
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        if (e.isFile()) {
          files.put(strip(e.getName()), tar.readAllBytes());
        }
      }
    }
    JsonNode config;
    List<String> layerFiles = new ArrayList<>();
    if (files.containsKey("index.json")) {
      JsonNode index = JSON.readTree(files.get("index.json"));
      JsonNode manifest =
          JSON.readTree(blob(files, index.path("manifests").path(0).path("digest").asString()));
      config = JSON.readTree(blob(files, manifest.path("config").path("digest").asString()));
      for (JsonNode layer : manifest.path("layers")) {
        String digest = layer.path("digest").asString();
        blob(files, digest);
        layerFiles.add(blobPath(digest));
      }
    } else {
      JsonNode manifest = JSON.readTree(required(files, "manifest.json")).path(0);
      config = JSON.readTree(required(files, manifest.path("Config").asString()));
      for (JsonNode layer : manifest.path("Layers")) {
        layerFiles.add(layer.asString());
      }
    }
    List<Map<String, TarArchiveEntry>> layers = new ArrayList<>();
    for (String layerFile : layerFiles) {
      layers.add(entries(required(files, layerFile)));
    }
    return new ImageTarball(config, layers);
  }

  /** The entry at {@code path} in the topmost layer that has it. */
  TarArchiveEntry file(String path) {
    for (int i = layers.size() - 1; i >= 0; i--) {
      TarArchiveEntry e = layers.get(i).get(path);
      if (e != null) {
        return e;
      }
    }
    throw new AssertionError("no layer has " + path);
  }

  private static Map<String, TarArchiveEntry> entries(byte[] layer) throws IOException {
    InputStream raw = new ByteArrayInputStream(layer);
    // gzip-compressed (OCI, Jib) or plain (a docker save base layer)
    InputStream in =
        layer.length > 2 && (layer[0] & 0xff) == 0x1f && (layer[1] & 0xff) == 0x8b
            ? new GZIPInputStream(raw)
            : raw;
    Map<String, TarArchiveEntry> entries = new LinkedHashMap<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        String name = strip(e.getName());
        if (name.endsWith("/")) {
          name = name.substring(0, name.length() - 1);
        }
        entries.put(name, e);
      }
    }
    return entries;
  }

  private static byte[] blob(Map<String, byte[]> files, String digest) {
    byte[] bytes = required(files, blobPath(digest));
    String actual = "sha256:" + HexFormat.of().formatHex(sha256(bytes));
    if (!actual.equals(digest)) {
      throw new AssertionError("blob " + digest + " has digest " + actual);
    }
    return bytes;
  }

  private static String blobPath(String digest) {
    if (!digest.startsWith("sha256:")) {
      throw new AssertionError("not a sha256 digest: " + digest);
    }
    return "blobs/sha256/" + digest.substring("sha256:".length());
  }

  private static byte[] required(Map<String, byte[]> files, String name) {
    byte[] bytes = files.get(name);
    if (bytes == null) {
      throw new AssertionError(
          "the image tarball has no " + name + " (it has " + files.keySet() + ")");
    }
    return bytes;
  }

  private static String strip(String name) {
    String n = name.startsWith("./") ? name.substring(2) : name;
    return n.startsWith("/") ? n.substring(1) : n;
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
