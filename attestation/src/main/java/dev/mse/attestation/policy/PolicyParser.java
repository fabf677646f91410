package dev.mse.attestation.policy;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.TcbStatus;
import dev.mse.attestation.snp.SnpTcb;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.toml.TomlMapper;

/**
 * Reads an appraisal policy from TOML. Strict on purpose: an unknown table or key is an error, so
 * that a typo ({@code mrenclaves}) cannot silently turn a check off.
 */
public final class PolicyParser {
  private static final TomlMapper TOML = TomlMapper.builder().build();

  private static final Map<String, Set<String>> KEYS =
      Map.of(
          "sgx", Set.of("mrenclave", "mrsigner", "isv_prod_id", "min_isv_svn"),
          "tdx",
              Set.of(
                  "mrtd",
                  "rtmr0",
                  "rtmr1",
                  "rtmr2",
                  "rtmr3",
                  "mrseam",
                  "mrservicetd",
                  "require_sept_ve_disable"),
          "snp",
              Set.of(
                  "measurement",
                  "host_data",
                  "id_key_digest",
                  "author_key_digest",
                  "min_guest_svn",
                  "vmpl",
                  "min_tcb",
                  "allow_debug",
                  "allow_migration_agent",
                  "require_crl"),
          "nitro",
              Set.of(
                  "pcr0",
                  "pcr1",
                  "pcr2",
                  "pcr3",
                  "pcr4",
                  "pcr5",
                  "pcr6",
                  "pcr7",
                  "pcr8",
                  "allow_debug"),
          "tcb",
              Set.of(
                  "accepted_statuses",
                  "accepted_advisories",
                  "grace_period_days",
                  "allow_debug",
                  "allow_simulation"));

  private PolicyParser() {}

  public static AppraisalPolicy parse(String toml) throws PolicyException {
    JsonNode root;
    try {
      root = TOML.readTree(toml);
    } catch (JacksonException e) {
      throw new PolicyException("the policy is not valid TOML: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new PolicyException("the policy is not a TOML document");
    }
    checkKeys(root);
    AppraisalPolicy defaults = AppraisalPolicy.defaults();
    JsonNode sgx = root.path("sgx");
    JsonNode tdx = root.path("tdx");
    JsonNode tcb = root.path("tcb");
    var sgxPolicy =
        new AppraisalPolicy.Sgx(
            hexList(sgx, "sgx", "mrenclave", 32),
            hexList(sgx, "sgx", "mrsigner", 32),
            optionalInt(sgx, "sgx", "isv_prod_id", 0xffff),
            optionalInt(sgx, "sgx", "min_isv_svn", 0xffff));
    List<List<ByteString>> rtmrs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      rtmrs.add(hexList(tdx, "tdx", "rtmr" + i, 48));
    }
    var tdxPolicy =
        new AppraisalPolicy.Tdx(
            hexList(tdx, "tdx", "mrtd", 48),
            rtmrs,
            hexList(tdx, "tdx", "mrseam", 48),
            hexList(tdx, "tdx", "mrservicetd", 48),
            bool(tdx, "tdx", "require_sept_ve_disable", true));
    Set<TcbStatus> statuses =
        tcb.has("accepted_statuses")
            ? statuses(tcb.get("accepted_statuses"))
            : defaults.acceptedStatuses();
    OptionalInt graceDays = optionalInt(tcb, "tcb", "grace_period_days", 36500);
    return new AppraisalPolicy(
        sgxPolicy,
        tdxPolicy,
        snp(root.path("snp")),
        nitro(root.path("nitro")),
        statuses,
        strings(tcb, "tcb", "accepted_advisories"),
        Duration.ofDays(graceDays.orElse(0)),
        bool(tcb, "tcb", "allow_debug", false),
        bool(tcb, "tcb", "allow_simulation", false));
  }

  private static AppraisalPolicy.Snp snp(JsonNode snp) throws PolicyException {
    return new AppraisalPolicy.Snp(
        hexList(snp, "snp", "measurement", 48),
        hexList(snp, "snp", "host_data", 32),
        hexList(snp, "snp", "id_key_digest", 48),
        hexList(snp, "snp", "author_key_digest", 48),
        optionalInt(snp, "snp", "min_guest_svn", Integer.MAX_VALUE),
        optionalInt(snp, "snp", "vmpl", 3),
        minTcb(snp.get("min_tcb")),
        bool(snp, "snp", "allow_debug", false),
        bool(snp, "snp", "allow_migration_agent", false),
        bool(snp, "snp", "require_crl", false));
  }

  private static final Set<String> TCB_KEYS =
      Set.of("bootloader", "tee", "snp", "microcode", "fmc");

  private static java.util.Optional<SnpTcb> minTcb(JsonNode node) throws PolicyException {
    if (node == null) {
      return java.util.Optional.empty();
    }
    if (!node.isObject()) {
      throw new PolicyException(
          "snp.min_tcb must be an inline table such as { bootloader = 3, tee = 0, snp = 8, microcode = 115 }");
    }
    for (String key : node.propertyNames()) {
      if (!TCB_KEYS.contains(key)) {
        throw new PolicyException(
            "unknown key '"
                + key
                + "' in snp.min_tcb (known: "
                + String.join(", ", new java.util.TreeSet<>(TCB_KEYS))
                + ")");
      }
    }
    return java.util.Optional.of(
        new SnpTcb(
            optionalInt(node, "snp.min_tcb", "bootloader", 255).orElse(0),
            optionalInt(node, "snp.min_tcb", "tee", 255).orElse(0),
            optionalInt(node, "snp.min_tcb", "snp", 255).orElse(0),
            optionalInt(node, "snp.min_tcb", "microcode", 255).orElse(0),
            optionalInt(node, "snp.min_tcb", "fmc", 255).orElse(0)));
  }

  private static AppraisalPolicy.Nitro nitro(JsonNode nitro) throws PolicyException {
    List<List<ByteString>> pcrs = new ArrayList<>();
    for (int i = 0; i < AppraisalPolicy.Nitro.POLICY_PCRS; i++) {
      pcrs.add(hexList(nitro, "nitro", "pcr" + i, 48));
    }
    return new AppraisalPolicy.Nitro(pcrs, bool(nitro, "nitro", "allow_debug", false));
  }

  private static void checkKeys(JsonNode root) throws PolicyException {
    for (String table : root.propertyNames()) {
      Set<String> allowed = KEYS.get(table);
      if (allowed == null) {
        throw new PolicyException(
            "unknown table ["
                + table
                + "] in the policy (expected [sgx], [tdx], [snp], [nitro] or [tcb])");
      }
      JsonNode node = root.get(table);
      if (!node.isObject()) {
        throw new PolicyException("[" + table + "] must be a table");
      }
      for (String key : node.propertyNames()) {
        if (!allowed.contains(key)) {
          throw new PolicyException(
              "unknown key '"
                  + key
                  + "' in ["
                  + table
                  + "] (known: "
                  + String.join(", ", new java.util.TreeSet<>(allowed))
                  + ")");
        }
      }
    }
  }

  private static List<ByteString> hexList(JsonNode table, String name, String key, int size)
      throws PolicyException {
    JsonNode node = table.get(key);
    if (node == null) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new PolicyException(name + "." + key + " must be a list of hex strings");
    }
    List<ByteString> out = new ArrayList<>();
    for (Iterator<JsonNode> it = node.values().iterator(); it.hasNext(); ) {
      JsonNode v = it.next();
      if (!v.isString()) {
        throw new PolicyException(name + "." + key + " must be a list of hex strings");
      }
      ByteString b;
      try {
        b = ByteString.fromHex(v.asString().strip());
      } catch (IllegalArgumentException e) {
        throw new PolicyException(name + "." + key + ": '" + v.asString() + "' is not hex", e);
      }
      if (b.size() != size) {
        throw new PolicyException(
            name
                + "."
                + key
                + ": expected "
                + size
                + " bytes ("
                + 2 * size
                + " hex digits), got "
                + b.size());
      }
      out.add(b);
    }
    return out;
  }

  private static OptionalInt optionalInt(JsonNode table, String name, String key, int max)
      throws PolicyException {
    JsonNode node = table.get(key);
    if (node == null) {
      return OptionalInt.empty();
    }
    if (!node.isIntegralNumber()
        || !node.canConvertToInt()
        || node.asInt() < 0
        || node.asInt() > max) {
      throw new PolicyException(name + "." + key + " must be a whole number from 0 to " + max);
    }
    return OptionalInt.of(node.asInt());
  }

  private static boolean bool(JsonNode table, String name, String key, boolean fallback)
      throws PolicyException {
    JsonNode node = table.get(key);
    if (node == null) {
      return fallback;
    }
    if (!node.isBoolean()) {
      throw new PolicyException(name + "." + key + " must be true or false");
    }
    return node.asBoolean();
  }

  private static Set<String> strings(JsonNode table, String name, String key)
      throws PolicyException {
    JsonNode node = table.get(key);
    if (node == null) {
      return Set.of();
    }
    if (!node.isArray()) {
      throw new PolicyException(name + "." + key + " must be a list of strings");
    }
    Set<String> out = new HashSet<>();
    for (JsonNode v : node.values()) {
      if (!v.isString()) {
        throw new PolicyException(name + "." + key + " must be a list of strings");
      }
      out.add(v.asString());
    }
    return out;
  }

  private static Set<TcbStatus> statuses(JsonNode node) throws PolicyException {
    if (!node.isArray()) {
      throw new PolicyException("tcb.accepted_statuses must be a list of Intel TCB status names");
    }
    Set<TcbStatus> out = EnumSet.noneOf(TcbStatus.class);
    for (JsonNode v : node.values()) {
      String name = v.isString() ? v.asString() : v.toString();
      TcbStatus status =
          TcbStatus.fromIntelName(name)
              .orElseThrow(
                  () ->
                      new PolicyException(
                          "tcb.accepted_statuses: unknown TCB status '"
                              + name
                              + "' (known: "
                              + String.join(
                                  ", ",
                                  java.util.Arrays.stream(TcbStatus.values())
                                      .map(TcbStatus::intelName)
                                      .toList())
                              + ")"));
      out.add(status);
    }
    return out;
  }
}
