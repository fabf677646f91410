package dev.mse.attestation.sim;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.Collateral;
import dev.mse.attestation.collateral.SignedJson;
import dev.mse.attestation.collateral.TcbStatus;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The collateral of a simulated platform, as Intel's PCS would issue it: TCB Info and QE Identity
 * signed by the simulation TCB signing key, the PCK CA's CRL and the root's CRL, all valid from the
 * issue time for the given lifetime.
 */
final class SimulatedCollateral {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private SimulatedCollateral() {}

  /**
   * @param status the platform's TCB status; anything but UpToDate adds a higher UpToDate level
   *     above the platform's, as Intel does when it publishes a TCB recovery
   * @param revoked serial numbers the PCK CA's CRL lists
   */
  static Collateral issue(
      SimulationPki pki,
      SimulatedPlatform platform,
      Instant issued,
      Duration lifetime,
      TcbStatus status,
      Set<BigInteger> revoked) {
    Instant until = issued.plus(lifetime);
    // Dated a minute back, so a verifier whose clock is slightly behind (or that took the time
    // just before it fetched) still finds every part already valid.
    Instant from = issued.minusSeconds(60);
    String issue = from.toString();
    String next = until.toString();

    ObjectNode tcbInfo = JSON.createObjectNode();
    tcbInfo.put("id", "SGX");
    tcbInfo.put("version", 3);
    tcbInfo.put("issueDate", issue);
    tcbInfo.put("nextUpdate", next);
    tcbInfo.put("fmspc", platform.fmspc().hex());
    tcbInfo.put("pceId", platform.pceId().hex());
    tcbInfo.put("tcbType", 0);
    tcbInfo.put("tcbEvaluationDataNumber", 1);
    ArrayNode levels = tcbInfo.putArray("tcbLevels");
    if (status != TcbStatus.UP_TO_DATE) {
      List<Integer> higher = new ArrayList<>();
      for (int svn : platform.tcbComponents()) {
        higher.add(Math.min(svn + 1, 255));
      }
      addLevel(levels, higher, platform.pceSvn() + 1, issue, TcbStatus.UP_TO_DATE);
    }
    addLevel(levels, platform.tcbComponents(), platform.pceSvn(), issue, status);

    ObjectNode qe = JSON.createObjectNode();
    qe.put("id", "QE");
    qe.put("version", 2);
    qe.put("issueDate", issue);
    qe.put("nextUpdate", next);
    qe.put("tcbEvaluationDataNumber", 1);
    qe.put("miscselect", "00000000");
    qe.put("miscselectMask", "FFFFFFFF");
    qe.put("attributes", "11000000000000000000000000000000");
    qe.put("attributesMask", "FBFFFFFFFFFFFFFF0000000000000000");
    qe.put("mrsigner", platform.qeMrSigner().hex().toUpperCase(Locale.ROOT));
    qe.put("isvprodid", platform.qeIsvProdId());
    ObjectNode qeLevel = qe.putArray("tcbLevels").addObject();
    qeLevel.putObject("tcb").put("isvsvn", platform.qeIsvSvn());
    qeLevel.put("tcbDate", issue);
    qeLevel.put("tcbStatus", "UpToDate");

    List<X509Certificate> signingChain = List.of(pki.tcbSigner, pki.root);
    return new Collateral(
        List.of(pki.pckCa, pki.root),
        pki.rootCrl(from, until),
        pki.pckCrl(from, until, revoked),
        signingChain,
        signedJson(pki, tcbInfo),
        signingChain,
        signedJson(pki, qe));
  }

  private static void addLevel(
      ArrayNode levels, List<Integer> components, int pceSvn, String date, TcbStatus status) {
    ObjectNode level = levels.addObject();
    ObjectNode tcb = level.putObject("tcb");
    ArrayNode comps = tcb.putArray("sgxtcbcomponents");
    for (int svn : components) {
      comps.addObject().put("svn", svn);
    }
    tcb.put("pcesvn", pceSvn);
    level.put("tcbDate", date);
    level.put("tcbStatus", status.intelName());
  }

  private static SignedJson signedJson(SimulationPki pki, ObjectNode node) {
    byte[] body = JSON.writeValueAsBytes(node);
    return new SignedJson(
        ByteString.of(body),
        ByteString.of(SimulatedTee.sign((ECPrivateKey) pki.tcbSignerKeys.getPrivate(), body)));
  }
}
