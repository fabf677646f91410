package dev.mse.attestation.collateral;

import dev.mse.attestation.codec.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Reads an Intel enclave identity (version 2) from the exact text that Intel signed (the value of
 * {@code enclaveIdentity} in a PCS response): the identity of the quoting enclave ({@code QE} for
 * SGX, {@code TD_QE} for TDX) or of the quote verification enclave ({@code QVE}).
 *
 * <p>Like {@link TcbInfoParser} it checks form only and ignores unknown fields.
 */
public final class QeIdentityParser {
  private static final Set<String> IDS = Set.of("QE", "TD_QE", "QVE");
  private static final long U16 = 0xFFFF;
  private static final long U32 = 0xFFFF_FFFFL;

  private QeIdentityParser() {}

  public static QeIdentity parse(ByteString body) throws CollateralFormatException {
    JsonFields root = CollateralJson.readObject(body, "enclaveIdentity");
    String id = root.string("id");
    if (!IDS.contains(id)) {
      throw new CollateralFormatException(
          root.path("id") + ": expected QE, TD_QE or QVE, found " + JsonFields.excerpt(id));
    }
    long version = root.integer("version", 0, U32);
    if (version != 2) {
      throw new CollateralFormatException(
          root.path("version") + ": unsupported version " + version + " (2 is supported)");
    }
    return new QeIdentity(
        id,
        (int) version,
        root.instant("issueDate"),
        root.instant("nextUpdate"),
        root.integer("tcbEvaluationDataNumber", 0, U32),
        root.hex("miscselect", 4),
        root.hex("miscselectMask", 4),
        root.hex("attributes", 16),
        root.hex("attributesMask", 16),
        root.hex("mrsigner", 32),
        (int) root.integer("isvprodid", 0, U16),
        enclaveTcbLevels(root));
  }

  /**
   * The {@code tcbLevels} of an enclave identity or a TDX module identity: {@code {"tcb":
   * {"isvsvn": n}, "tcbDate", "tcbStatus", "advisoryIDs"?}}.
   */
  static List<EnclaveTcbLevel> enclaveTcbLevels(JsonFields parent)
      throws CollateralFormatException {
    List<JsonNode> items = parent.array("tcbLevels");
    if (items.isEmpty()) {
      throw new CollateralFormatException(parent.path("tcbLevels") + ": empty");
    }
    List<EnclaveTcbLevel> levels = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      JsonFields level =
          JsonFields.asObject(items.get(i), parent.path("tcbLevels") + "[" + i + "]");
      levels.add(
          new EnclaveTcbLevel(
              (int) level.object("tcb").integer("isvsvn", 0, U16),
              level.instant("tcbDate"),
              level.status("tcbStatus"),
              level.optionalStrings("advisoryIDs")));
    }
    return levels;
  }
}
