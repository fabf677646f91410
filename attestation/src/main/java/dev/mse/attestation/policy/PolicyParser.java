package dev.mse.attestation.policy;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.TcbStatus;
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
        statuses,
        strings(tcb, "tcb", "accepted_advisories"),
        Duration.ofDays(graceDays.orElse(0)),
        bool(tcb, "tcb", "allow_debug", false),
        bool(tcb, "tcb", "allow_simulation", false));
  }

  private static void checkKeys(JsonNode root) throws PolicyException {
    for (String table : root.propertyNames()) {
      Set<String> allowed = KEYS.get(table);
      if (allowed == null) {
        throw new PolicyException(
            "unknown table [" + table + "] in the policy (expected [sgx], [tdx] or [tcb])");
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
