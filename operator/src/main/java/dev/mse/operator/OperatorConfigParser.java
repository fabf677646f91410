package dev.mse.operator;

import dev.mse.operator.node.runtime.GramineLaunch;
import dev.mse.operator.proxy.ProxyLimits;
import dev.mse.operator.store.HardwareOffer;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.toml.TomlMapper;

/**
 * Reads {@code operator.toml}. Strict like the appraisal policy's parser: an unknown key is an
 * error, so a typo cannot silently leave a default in place. Every key is optional.
 *
 * <pre>
 * data_dir = "/var/lib/mse-operator"      # relative paths: from the file's directory
 * database_url = "jdbc:postgresql://db/mse?user=mse&amp;password=…"   # default: H2 in data_dir
 * apps_domain = "mse.localhost"
 * sign_up = true
 * max_lifetime_days = 365
 * max_package_bytes = 268435456
 * default_hardware = "4g"
 * pccs_url = "http://127.0.0.1:8081"      # PCCS or Intel PCS for collateral; default: none
 * node_policy = "node-policy.toml"        # appraisal policy for the nodes' own evidence
 * [api]
 * host = "127.0.0.1"
 * port = 8080
 * tls_key_store = "api.p12"               # PKCS#12; absent (and no PEM): plain HTTP
 * tls_key_store_password = "…"
 * # or: tls_certificate = "api.pem" and tls_private_key = "api.key"
 * [proxy]
 * host = "127.0.0.1"
 * port = 8443
 * max_connections = 10000
 * max_connections_per_app = 2000
 * max_connections_per_source = 256        # per IPv4 address or IPv6 /64
 * client_hello_timeout_seconds = 5
 * evidence_cache_seconds = 60             # --untrusted-ssl: reuse of an enclave's fresh evidence
 * [[hardware]]                            # absent: 4g and 8g
 * name = "4g"
 * memory_mb = 4096
 * cores = 2
 * enclave_size_mb = 1024
 * default_quota = 3                       # live apps of this offer per account (and per project)
 * [limits]
 * projects_per_account = 10
 * live_apps = 1000                        # all accounts together
 * sign_ups_per_source_per_hour = 5
 * logins_per_source_per_minute = 10
 * token_lifetime_days = 90                # default and longest: 365
 * [custom_domains]
 * trust_anchors = "ca.pem"                # CA certificates (PEM); absent: the JDK's cacerts
 * [isolation]
 * per_app_users = true                    # default: when the operator runs as root
 * first_uid = 210000                      # runtimes get user ids first_uid … first_uid+uid_count-1
 * uid_count = 10000
 * allow_shared_user = false               # true: several accounts although runtimes share a user
 * nodes_dir = "/var/lib/mse-nodes"        # default: data_dir/nodes
 * log_max_bytes = 10485760                # runtime.log is rotated to runtime.log.1 beyond this
 * [cluster]                               # several instances on one PostgreSQL (docs/operator.md)
 * enabled = false                         # true: background work on the leader only
 * shared_host = false                     # local provider: every instance on this host, one nodes_dir
 * node_provider = "local"                 # or "kubernetes", which needs [kubernetes]
 * [kubernetes]                            # docs/kubernetes.md
 * namespace = "mse"
 * api_url = "https://10.0.0.1:6443"       # default: in-cluster, else ~/.kube/config
 * tee = "tsm"                             # simulation, gramine-sgx or tsm (required)
 * runtime_class = "kata-qemu-tdx"         # default runtimeClassName of the pods
 * storage_class = "fast"                  # default: the cluster's default
 * state_size_mb = 1024                    # each app's sealed-state volume
 * run_as_user = 10001
 * max_restarts = 3
 * [kubernetes.images]                     # the runtime image per TEE kind
 * tsm = "registry.example/mse-runtime:0.1.0"
 * [kubernetes.runtime_classes]            # per hardware offer
 * "8g" = "kata-qemu-snp"
 * [kubernetes.proxy_labels]               # the operator's pods: the only ones let into app pods
 * "app.kubernetes.io/name" = "mse-operator"
 * [gramine]                               # gramine-sgx nodes of the local provider (docs/gramine.md)
 * signer_key = "enclave-key.pem"          # RSA-3072, exponent 3: its public half is MRSIGNER
 * bin_dir = "/usr/bin"                    # Gramine's executables; default: PATH
 * max_threads = 256                       # sgx.max_threads
 * </pre>
 */
public final class OperatorConfigParser {
  private static final TomlMapper TOML = TomlMapper.builder().build();
  private static final Set<String> TOP =
      Set.of(
          "data_dir",
          "database_url",
          "apps_domain",
          "sign_up",
          "max_lifetime_days",
          "max_package_bytes",
          "default_hardware",
          "pccs_url",
          "node_policy",
          "api",
          "proxy",
          "hardware",
          "limits",
          "custom_domains",
          "isolation",
          "cluster",
          "node_provider",
          "kubernetes",
          "gramine");
  private static final Map<String, Set<String>> TABLES =
      Map.of(
          "api",
              Set.of(
                  "host",
                  "port",
                  "tls_key_store",
                  "tls_key_store_password",
                  "tls_certificate",
                  "tls_private_key"),
          "proxy",
              Set.of(
                  "host",
                  "port",
                  "max_connections",
                  "max_connections_per_app",
                  "max_connections_per_source",
                  "client_hello_timeout_seconds",
                  "evidence_cache_seconds"),
          "limits",
              Set.of(
                  "projects_per_account",
                  "live_apps",
                  "sign_ups_per_source_per_hour",
                  "logins_per_source_per_minute",
                  "token_lifetime_days"),
          "custom_domains", Set.of("trust_anchors"),
          "cluster", Set.of("enabled", "shared_host"),
          "gramine", Set.of("signer_key", "bin_dir", "max_threads"),
          "isolation",
              Set.of(
                  "per_app_users",
                  "first_uid",
                  "uid_count",
                  "allow_shared_user",
                  "nodes_dir",
                  "log_max_bytes"),
          "kubernetes",
              Set.of(
                  "namespace",
                  "api_url",
                  "tee",
                  "images",
                  "runtime_class",
                  "runtime_classes",
                  "storage_class",
                  "state_size_mb",
                  "proxy_labels",
                  "run_as_user",
                  "max_restarts"));
  private static final Set<String> OFFER =
      Set.of("name", "memory_mb", "cores", "enclave_size_mb", "default_quota");

  private OperatorConfigParser() {}

  /** Reads a config file; relative paths in it are relative to its directory. */
  public static OperatorConfig read(Path file) throws OperatorConfigException {
    String toml;
    try {
      toml = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new OperatorConfigException("cannot read " + file + ": " + e.getMessage(), e);
    }
    Path base = file.toAbsolutePath().getParent();
    return parse(toml, base == null ? Path.of(".") : base);
  }

  /** Parses a config; relative paths are resolved against {@code base}. */
  public static OperatorConfig parse(String toml, Path base) throws OperatorConfigException {
    JsonNode root;
    try {
      root = TOML.readTree(toml);
    } catch (JacksonException e) {
      throw new OperatorConfigException(
          "operator.toml is not valid TOML: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      root = TOML.createObjectNode();
    }
    checkKeys(root, TOP, "operator.toml");
    for (var table : TABLES.entrySet()) {
      JsonNode node = root.get(table.getKey());
      if (node != null) {
        if (!node.isObject()) {
          throw new OperatorConfigException("[" + table.getKey() + "] must be a table");
        }
        checkKeys(node, table.getValue(), "[" + table.getKey() + "]");
      }
    }
    Path dataDir = base.resolve(text(root, "data_dir").orElse("data")).normalize();
    OperatorConfig d = OperatorConfig.defaults(dataDir);
    JsonNode api = root.path("api");
    JsonNode proxy = root.path("proxy");
    JsonNode limits = root.path("limits");
    OperatorConfig.Limits dl = d.limits();
    Optional<OperatorConfig.Tls> tls = tls(api, base);
    List<OperatorConfig.Offer> offers =
        root.has("hardware") ? offers(root.get("hardware")) : d.hardware();
    try {
      return new OperatorConfig(
          dataDir,
          text(root, "database_url"),
          text(api, "host").orElse(d.apiHost()),
          integer(api, "port", 0, 65535).orElse(d.apiPort()),
          tls,
          text(root, "apps_domain").orElse(d.appsDomain()).toLowerCase(java.util.Locale.ROOT),
          text(proxy, "host").orElse(d.proxyHost()),
          integer(proxy, "port", 1, 65535).orElse(d.proxyPort()),
          bool(root, "sign_up").orElse(d.signUp()),
          Duration.ofDays(integer(root, "max_lifetime_days", 1, 36500).orElse(365)),
          longValue(root, "max_package_bytes").orElse(d.maxPackageBytes()),
          offers,
          text(root, "default_hardware").orElse(offers.getFirst().offer().name()),
          proxyLimits(proxy, d.proxyLimits()),
          new OperatorConfig.Limits(
              integer(limits, "projects_per_account", 1, 1_000_000).orElse(dl.projectsPerAccount()),
              integer(limits, "live_apps", 1, 1_000_000).orElse(dl.liveApps()),
              integer(limits, "sign_ups_per_source_per_hour", 1, 1_000_000)
                  .orElse(dl.signUpsPerSourcePerHour()),
              integer(limits, "logins_per_source_per_minute", 1, 1_000_000)
                  .orElse(dl.loginsPerSourcePerMinute()),
              integer(limits, "token_lifetime_days", 1, 365)
                  .map(Duration::ofDays)
                  .orElse(dl.tokenLifetime())),
          text(root.path("custom_domains"), "trust_anchors").map(f -> base.resolve(f).normalize()),
          isolation(root.path("isolation"), base),
          new OperatorConfig.Cluster(
              bool(root.path("cluster"), "enabled").orElse(false),
              bool(root.path("cluster"), "shared_host").orElse(false)),
          pccsUrl(root),
          kubernetes(root),
          text(root, "node_policy").map(f -> base.resolve(f).normalize()),
          gramine(root.path("gramine"), base));
    } catch (IllegalArgumentException e) {
      throw new OperatorConfigException("operator.toml: " + e.getMessage(), e);
    }
  }

  private static Optional<URI> pccsUrl(JsonNode root) throws OperatorConfigException {
    Optional<String> text = text(root, "pccs_url");
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      URI url = new URI(text.get());
      if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())
          || url.getHost() == null) {
        throw new OperatorConfigException(
            "operator.toml: pccs_url must be an http or https URL, got '" + text.get() + "'");
      }
      return Optional.of(url);
    } catch (URISyntaxException e) {
      throw new OperatorConfigException(
          "operator.toml: pccs_url is not a URL: " + e.getMessage(), e);
    }
  }

  private static GramineLaunch.Settings gramine(JsonNode node, Path base)
      throws OperatorConfigException {
    return new GramineLaunch.Settings(
        text(node, "signer_key").map(p -> base.resolve(p).normalize()),
        text(node, "bin_dir").map(p -> base.resolve(p).normalize()),
        integer(node, "max_threads", 16, 8192).orElse(GramineLaunch.Settings.DEFAULT_MAX_THREADS));
  }

  private static ProxyLimits proxyLimits(JsonNode proxy, ProxyLimits d)
      throws OperatorConfigException {
    return new ProxyLimits(
        integer(proxy, "max_connections", 1, 1_000_000).orElse(d.maxConnections()),
        integer(proxy, "max_connections_per_app", 1, 1_000_000).orElse(d.maxConnectionsPerApp()),
        integer(proxy, "max_connections_per_source", 1, 1_000_000)
            .orElse(d.maxConnectionsPerSource()),
        integer(proxy, "client_hello_timeout_seconds", 1, 300)
            .map(Duration::ofSeconds)
            .orElse(d.helloTimeout()),
        integer(proxy, "evidence_cache_seconds", 1, 3600)
            .map(Duration::ofSeconds)
            .orElse(d.evidenceLifetime()));
  }

  private static OperatorConfig.Isolation isolation(JsonNode node, Path base)
      throws OperatorConfigException {
    OperatorConfig.Isolation d = OperatorConfig.Isolation.defaults();
    return new OperatorConfig.Isolation(
        bool(node, "per_app_users"),
        integer(node, "first_uid", 1000, Integer.MAX_VALUE).orElse(d.firstUid()),
        integer(node, "uid_count", 1, 1 << 24).orElse(d.uidCount()),
        bool(node, "allow_shared_user").orElse(false),
        text(node, "nodes_dir").map(p -> base.resolve(p).normalize()),
        longValue(node, "log_max_bytes").orElse(d.logMaxBytes()));
  }

  /** {@code node_provider} and its {@code [kubernetes]} table: both or neither. */
  private static Optional<OperatorConfig.Kubernetes> kubernetes(JsonNode root)
      throws OperatorConfigException {
    String provider = text(root, "node_provider").orElse("local");
    JsonNode k = root.get("kubernetes");
    switch (provider) {
      case "local" -> {
        if (k != null) {
          throw new OperatorConfigException(
              "[kubernetes] is set but node_provider is not \"kubernetes\"");
        }
        return Optional.empty();
      }
      case "kubernetes" -> {
        if (k == null) {
          throw new OperatorConfigException(
              "node_provider = \"kubernetes\" needs a [kubernetes] table (at least tee and"
                  + " [kubernetes.images])");
        }
      }
      default ->
          throw new OperatorConfigException("node_provider must be \"local\" or \"kubernetes\"");
    }
    String namespace = text(k, "namespace").orElse("mse");
    if (!namespace.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
      throw new OperatorConfigException("[kubernetes] namespace is not a valid namespace name");
    }
    Map<String, String> labels =
        k.has("proxy_labels")
            ? strings(k.get("proxy_labels"), "[kubernetes.proxy_labels]")
            : Map.of("app.kubernetes.io/name", "mse-operator");
    Map<String, String> images = strings(k.path("images"), "[kubernetes.images]");
    for (String tee : images.keySet()) {
      if (!OperatorConfig.Kubernetes.TEES.contains(tee)) {
        throw new OperatorConfigException(
            "unknown key '"
                + tee
                + "' in [kubernetes.images] (known: gramine-sgx, simulation, tsm)");
      }
    }
    return Optional.of(
        new OperatorConfig.Kubernetes(
            namespace,
            text(k, "api_url"),
            text(k, "tee")
                .orElseThrow(
                    () ->
                        new OperatorConfigException(
                            "[kubernetes] needs tee (simulation, gramine-sgx or tsm)")),
            images,
            text(k, "runtime_class"),
            k.has("runtime_classes")
                ? strings(k.get("runtime_classes"), "[kubernetes.runtime_classes]")
                : Map.of(),
            text(k, "storage_class"),
            integer(k, "state_size_mb", 1, 1 << 20).orElse(1024),
            labels,
            integer(k, "run_as_user", 1, Integer.MAX_VALUE).orElse(10001),
            integer(k, "max_restarts", 0, 100).orElse(3)));
  }

  /** A table whose values are all strings (images, runtime classes, labels). */
  private static Map<String, String> strings(JsonNode table, String where)
      throws OperatorConfigException {
    if (table.isMissingNode()) {
      return Map.of();
    }
    if (!table.isObject()) {
      throw new OperatorConfigException(where + " must be a table");
    }
    Map<String, String> values = new java.util.TreeMap<>();
    for (String key : table.propertyNames()) {
      JsonNode v = table.get(key);
      if (!v.isString() || v.asString().isBlank()) {
        throw new OperatorConfigException(where + " " + key + " must be a non-empty string");
      }
      values.put(key, v.asString());
    }
    return values;
  }

  private static Optional<OperatorConfig.Tls> tls(JsonNode api, Path base)
      throws OperatorConfigException {
    Optional<String> keyStore = text(api, "tls_key_store");
    Optional<String> certificate = text(api, "tls_certificate");
    Optional<String> key = text(api, "tls_private_key");
    if (keyStore.isPresent() && (certificate.isPresent() || key.isPresent())) {
      throw new OperatorConfigException(
          "[api] takes either tls_key_store or tls_certificate and tls_private_key, not both");
    }
    if (keyStore.isPresent()) {
      return Optional.of(
          new OperatorConfig.Tls.KeyStoreFile(
              base.resolve(keyStore.get()).normalize(),
              text(api, "tls_key_store_password").orElse("")));
    }
    if (certificate.isPresent() != key.isPresent()) {
      throw new OperatorConfigException(
          "[api] needs both tls_certificate and tls_private_key for PEM files");
    }
    if (certificate.isPresent()) {
      return Optional.of(
          new OperatorConfig.Tls.PemFiles(
              base.resolve(certificate.get()).normalize(), base.resolve(key.get()).normalize()));
    }
    return Optional.empty();
  }

  private static List<OperatorConfig.Offer> offers(JsonNode list) throws OperatorConfigException {
    if (!list.isArray() || list.isEmpty()) {
      throw new OperatorConfigException("[[hardware]] must be a non-empty array of tables");
    }
    List<OperatorConfig.Offer> offers = new ArrayList<>();
    Set<String> names = new TreeSet<>();
    for (JsonNode o : list) {
      if (!o.isObject()) {
        throw new OperatorConfigException("[[hardware]] must be a non-empty array of tables");
      }
      checkKeys(o, OFFER, "[[hardware]]");
      String name =
          text(o, "name")
              .filter(n -> n.matches("[a-z0-9][a-z0-9-]{0,62}"))
              .orElseThrow(
                  () ->
                      new OperatorConfigException(
                          "[[hardware]] name must be lower-case letters, digits and '-'"));
      if (!names.add(name)) {
        throw new OperatorConfigException("[[hardware]] '" + name + "' is defined twice");
      }
      offers.add(
          new OperatorConfig.Offer(
              new HardwareOffer(
                  name,
                  required(o, "memory_mb", name),
                  required(o, "cores", name),
                  required(o, "enclave_size_mb", name)),
              integer(o, "default_quota", 0, 10_000).orElse(0)));
    }
    return offers;
  }

  private static int required(JsonNode o, String key, String offer) throws OperatorConfigException {
    return integer(o, key, 1, 1 << 24)
        .orElseThrow(
            () -> new OperatorConfigException("[[hardware]] '" + offer + "' needs " + key));
  }

  private static void checkKeys(JsonNode node, Set<String> allowed, String where)
      throws OperatorConfigException {
    for (String key : node.propertyNames()) {
      if (!allowed.contains(key)) {
        throw new OperatorConfigException(
            "unknown key '"
                + key
                + "' in "
                + where
                + " (known: "
                + String.join(", ", new TreeSet<>(allowed))
                + ")");
      }
    }
  }

  private static Optional<String> text(JsonNode node, String key) throws OperatorConfigException {
    JsonNode v = node.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!v.isString()) {
      throw new OperatorConfigException(key + " must be a string");
    }
    return Optional.of(v.asString());
  }

  private static Optional<Boolean> bool(JsonNode node, String key) throws OperatorConfigException {
    JsonNode v = node.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!v.isBoolean()) {
      throw new OperatorConfigException(key + " must be true or false");
    }
    return Optional.of(v.asBoolean());
  }

  private static Optional<Integer> integer(JsonNode node, String key, int min, int max)
      throws OperatorConfigException {
    Optional<Long> v = longValue(node, key);
    if (v.isPresent() && (v.get() < min || v.get() > max)) {
      throw new OperatorConfigException(key + " must be between " + min + " and " + max);
    }
    return v.map(Long::intValue);
  }

  private static Optional<Long> longValue(JsonNode node, String key)
      throws OperatorConfigException {
    JsonNode v = node.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new OperatorConfigException(key + " must be an integer");
    }
    return Optional.of(v.asLong());
  }
}
