package dev.mse.attestation.collateral;

import dev.mse.attestation.codec.ByteString;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Reads Intel TCB Info from the exact text that Intel signed (the value of {@code tcbInfo} in a PCS
 * response). Version 2 (SGX only, components as {@code sgxtcbcomp01svn}…) and version 3 ({@code id}
 * SGX or TDX, components as arrays, TDX module identities) are supported.
 *
 * <p>The parser checks form, not trust: types, hex lengths, ranges, the 16-entry component lists,
 * known statuses. Unknown fields are ignored so that Intel can add fields without breaking
 * verification; signature, dates and FMSPC are the verifier's to check.
 */
public final class TcbInfoParser {
  private static final int COMPONENTS = 16;
  private static final long U8 = 0xFF;
  private static final long U16 = 0xFFFF;
  private static final long U32 = 0xFFFF_FFFFL;

  private TcbInfoParser() {}

  public static TcbInfo parse(ByteString body) throws CollateralFormatException {
    JsonFields root = CollateralJson.readObject(body, "tcbInfo");
    long version = root.integer("version", 0, U32);
    if (version != 2 && version != 3) {
      throw new CollateralFormatException(
          "tcbInfo.version: unsupported version " + version + " (2 and 3 are supported)");
    }
    String id = id(root, version);
    boolean tdx = id.equals("TDX");
    Instant issueDate = root.instant("issueDate");
    Instant nextUpdate = root.instant("nextUpdate");
    ByteString fmspc = root.hex("fmspc", 6);
    ByteString pceId = root.hex("pceId", 2);
    int tcbType = (int) root.integer("tcbType", 0, U16);
    long evaluationDataNumber = root.integer("tcbEvaluationDataNumber", 0, U32);
    Optional<TdxModule> tdxModule = Optional.empty();
    if (root.has("tdxModule")) {
      tdxModule = Optional.of(tdxModule(root.object("tdxModule")));
    }
    List<TdxModuleIdentity> moduleIdentities = new ArrayList<>();
    if (root.has("tdxModuleIdentities")) {
      List<JsonNode> items = root.array("tdxModuleIdentities");
      for (int i = 0; i < items.size(); i++) {
        String path = root.path("tdxModuleIdentities") + "[" + i + "]";
        moduleIdentities.add(moduleIdentity(JsonFields.asObject(items.get(i), path)));
      }
    }
    List<JsonNode> items = root.array("tcbLevels");
    if (items.isEmpty()) {
      throw new CollateralFormatException(root.path("tcbLevels") + ": empty");
    }
    List<TcbLevel> levels = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      JsonFields level = JsonFields.asObject(items.get(i), root.path("tcbLevels") + "[" + i + "]");
      levels.add(version == 2 ? levelV2(level) : levelV3(level, tdx));
    }
    return new TcbInfo(
        id,
        (int) version,
        issueDate,
        nextUpdate,
        fmspc,
        pceId,
        tcbType,
        evaluationDataNumber,
        tdxModule,
        moduleIdentities,
        levels);
  }

  /** Version 2 has no {@code id}: it is SGX by definition. */
  private static String id(JsonFields root, long version) throws CollateralFormatException {
    if (version == 2) {
      Optional<String> id = root.optionalString("id");
      if (id.isPresent() && !id.get().equals("SGX")) {
        throw new CollateralFormatException(
            root.path("id") + ": version 2 TCB Info is SGX only, found " + excerpt(id.get()));
      }
      return "SGX";
    }
    String id = root.string("id");
    if (!id.equals("SGX") && !id.equals("TDX")) {
      throw new CollateralFormatException(
          root.path("id") + ": expected SGX or TDX, found " + excerpt(id));
    }
    return id;
  }

  private static TcbLevel levelV2(JsonFields level) throws CollateralFormatException {
    JsonFields tcb = level.object("tcb");
    List<Integer> sgx = new ArrayList<>(COMPONENTS);
    for (int i = 1; i <= COMPONENTS; i++) {
      sgx.add((int) tcb.integer(String.format("sgxtcbcomp%02dsvn", i), 0, U8));
    }
    int pceSvn = (int) tcb.integer("pcesvn", 0, U16);
    return new TcbLevel(
        sgx,
        pceSvn,
        List.of(),
        level.instant("tcbDate"),
        level.status("tcbStatus"),
        level.optionalStrings("advisoryIDs"));
  }

  private static TcbLevel levelV3(JsonFields level, boolean tdx) throws CollateralFormatException {
    JsonFields tcb = level.object("tcb");
    List<Integer> sgx = components(tcb, "sgxtcbcomponents");
    int pceSvn = (int) tcb.integer("pcesvn", 0, U16);
    List<Integer> tdxComponents = tdx ? components(tcb, "tdxtcbcomponents") : List.of();
    return new TcbLevel(
        sgx,
        pceSvn,
        tdxComponents,
        level.instant("tcbDate"),
        level.status("tcbStatus"),
        level.optionalStrings("advisoryIDs"));
  }

  /** Sixteen {@code {"svn": n, "category"?, "type"?}} objects; only the SVN matters here. */
  private static List<Integer> components(JsonFields tcb, String name)
      throws CollateralFormatException {
    List<JsonNode> items = tcb.array(name);
    if (items.size() != COMPONENTS) {
      throw new CollateralFormatException(
          tcb.path(name) + ": expected " + COMPONENTS + " entries, found " + items.size());
    }
    List<Integer> svns = new ArrayList<>(COMPONENTS);
    for (int i = 0; i < COMPONENTS; i++) {
      JsonFields component = JsonFields.asObject(items.get(i), tcb.path(name) + "[" + i + "]");
      svns.add((int) component.integer("svn", 0, U8));
    }
    return svns;
  }

  private static TdxModule tdxModule(JsonFields module) throws CollateralFormatException {
    return new TdxModule(
        module.hex("mrsigner", 48), module.hex("attributes", 8), module.hex("attributesMask", 8));
  }

  private static TdxModuleIdentity moduleIdentity(JsonFields identity)
      throws CollateralFormatException {
    return new TdxModuleIdentity(
        identity.string("id"),
        identity.hex("mrsigner", 48),
        identity.hex("attributes", 8),
        identity.hex("attributesMask", 8),
        QeIdentityParser.enclaveTcbLevels(identity));
  }

  private static String excerpt(String text) {
    return JsonFields.excerpt(text);
  }
}
