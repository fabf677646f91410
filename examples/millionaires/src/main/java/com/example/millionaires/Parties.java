package com.example.millionaires;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The parties, read from the {@code parties.properties} resource inside the app's jar: what they
 * are is part of the code, so the code fingerprint a party verifies names who takes part. The app
 * refuses to start on a list it cannot trust (fewer than two parties, a malformed or repeated key).
 */
final class Parties {
  static final String RESOURCE = "/parties.properties";
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
  private static final Pattern KEY = Pattern.compile("[0-9a-f]{64}");

  private Parties() {}

  static List<Party> load() throws IOException {
    try (InputStream in = Parties.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the app");
      }
      Properties properties = new Properties();
      properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
      return parse(properties);
    }
  }

  static List<Party> parse(Properties properties) {
    List<Party> parties = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    // Sorted by name, so that every listing of the parties is in one order.
    for (String name : new TreeSet<>(properties.stringPropertyNames())) {
      String key = properties.getProperty(name).strip().toLowerCase(Locale.ROOT);
      if (!NAME.matcher(name).matches()) {
        throw new IllegalStateException("party name '" + name + "': use a-z, 0-9, _ and -");
      }
      if (!KEY.matcher(key).matches()) {
        throw new IllegalStateException("party " + name + ": the key is not 64 hex digits");
      }
      if (!keys.add(key)) {
        throw new IllegalStateException("party " + name + ": its key is another party's too");
      }
      parties.add(new Party(name, key));
    }
    if (parties.size() < 2) {
      throw new IllegalStateException(RESOURCE + " must list at least two parties");
    }
    return List.copyOf(parties);
  }
}
