package dev.mse.attestation.pck;

import dev.mse.attestation.codec.ByteString;
import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Enumerated;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;

/**
 * Reads the Intel SGX extension (OID 1.2.840.113741.1.13.1) of a PCK certificate: the FMSPC and TCB
 * values that select the TCB level, and the platform identity. The extension is a sequence of (OID,
 * value) pairs, per Intel's "SGX PCK Certificate and CRL Profile".
 *
 * <p>Each required entry must appear exactly once with the documented ASN.1 type and size: a TCB
 * decision must never depend on which of two FMSPCs a parser happened to pick. Entries this parser
 * does not need (PlatformInstanceID, Configuration, and any later addition) are skipped, so that a
 * new Intel profile does not break verification of the fields that matter.
 */
public final class PckExtensionParser {
  /** The SGX extension's OID. */
  public static final String SGX_EXTENSION_OID = "1.2.840.113741.1.13.1";

  private static final ASN1ObjectIdentifier SGX = new ASN1ObjectIdentifier(SGX_EXTENSION_OID);
  private static final ASN1ObjectIdentifier PPID = SGX.branch("1");
  private static final ASN1ObjectIdentifier TCB = SGX.branch("2");
  private static final ASN1ObjectIdentifier PCE_ID = SGX.branch("3");
  private static final ASN1ObjectIdentifier FMSPC = SGX.branch("4");
  private static final ASN1ObjectIdentifier SGX_TYPE = SGX.branch("5");
  private static final int TCB_COMPONENT_COUNT = 16;
  private static final ASN1ObjectIdentifier PCESVN = TCB.branch("17");
  private static final ASN1ObjectIdentifier CPUSVN = TCB.branch("18");
  private static final int MAX_SGX_TYPE = 2;

  private PckExtensionParser() {}

  /**
   * The SGX extension of {@code pck}.
   *
   * @throws PckExtensionException if the certificate has no SGX extension or it is malformed
   */
  public static PckExtensions parse(X509Certificate pck) throws PckExtensionException {
    byte[] wrapped = pck.getExtensionValue(SGX_EXTENSION_OID);
    if (wrapped == null) {
      throw new PckExtensionException("certificate has no SGX extension " + SGX_EXTENSION_OID);
    }
    if (!(der(wrapped, "SGX extension value") instanceof ASN1OctetString octets)) {
      throw new PckExtensionException("SGX extension value is not an OCTET STRING");
    }
    return parse(octets.getOctets());
  }

  /**
   * Parses the extension value: the DER content of the extension's OCTET STRING.
   *
   * @throws PckExtensionException if a required entry is missing, repeated, of the wrong type or
   *     out of range, or the bytes are not DER
   */
  public static PckExtensions parse(byte[] extensionValue) throws PckExtensionException {
    Map<ASN1ObjectIdentifier, ASN1Encodable> top =
        entries(der(extensionValue, "SGX extensions"), "SGX extensions");
    ByteString ppid = octets(top, PPID, "PPID", 16);
    Map<ASN1ObjectIdentifier, ASN1Encodable> tcb = entries(required(top, TCB, "TCB"), "TCB");
    List<Integer> components = new ArrayList<>(TCB_COMPONENT_COUNT);
    for (int i = 1; i <= TCB_COMPONENT_COUNT; i++) {
      components.add(integer(tcb, TCB.branch(Integer.toString(i)), "TCB component " + i, 0xff));
    }
    int pceSvn = integer(tcb, PCESVN, "PCESVN", 0xffff);
    ByteString cpuSvn = octets(tcb, CPUSVN, "CPUSVN", 16);
    ByteString pceId = octets(top, PCE_ID, "PCE-ID", 2);
    ByteString fmspc = octets(top, FMSPC, "FMSPC", 6);
    int sgxType = enumerated(top, SGX_TYPE, "SGX Type", MAX_SGX_TYPE);
    return new PckExtensions(ppid, components, pceSvn, cpuSvn, pceId, fmspc, sgxType);
  }

  /**
   * BouncyCastle reports some malformed encodings with unchecked exceptions (ASN1ParsingException,
   * IllegalArgumentException); they are input errors here, so they become checked ones.
   */
  private static ASN1Primitive der(byte[] bytes, String what) throws PckExtensionException {
    try {
      ASN1Primitive primitive = ASN1Primitive.fromByteArray(bytes);
      if (primitive == null) {
        throw new PckExtensionException(what + " is empty");
      }
      return primitive;
    } catch (IOException | RuntimeException e) {
      throw new PckExtensionException(what + " is not valid DER: " + e.getMessage(), e);
    }
  }

  /** A SEQUENCE of SEQUENCE { OID, value }, as a map that rejects repeated OIDs. */
  private static Map<ASN1ObjectIdentifier, ASN1Encodable> entries(ASN1Encodable value, String what)
      throws PckExtensionException {
    if (!(value instanceof ASN1Sequence sequence)) {
      throw new PckExtensionException(what + " is not a SEQUENCE");
    }
    Map<ASN1ObjectIdentifier, ASN1Encodable> entries = new HashMap<>();
    for (ASN1Encodable element : sequence) {
      if (!(element instanceof ASN1Sequence pair)
          || pair.size() != 2
          || !(pair.getObjectAt(0) instanceof ASN1ObjectIdentifier oid)) {
        throw new PckExtensionException(
            what + " holds an entry that is not SEQUENCE { OID, value }");
      }
      if (entries.putIfAbsent(oid, pair.getObjectAt(1)) != null) {
        throw new PckExtensionException(what + " holds entry " + oid.getId() + " more than once");
      }
    }
    return entries;
  }

  private static ASN1Encodable required(
      Map<ASN1ObjectIdentifier, ASN1Encodable> entries, ASN1ObjectIdentifier oid, String name)
      throws PckExtensionException {
    ASN1Encodable value = entries.get(oid);
    if (value == null) {
      throw new PckExtensionException("missing " + name + " (" + oid.getId() + ")");
    }
    return value;
  }

  private static ByteString octets(
      Map<ASN1ObjectIdentifier, ASN1Encodable> entries,
      ASN1ObjectIdentifier oid,
      String name,
      int size)
      throws PckExtensionException {
    if (!(required(entries, oid, name) instanceof ASN1OctetString octets)) {
      throw new PckExtensionException(name + " is not an OCTET STRING");
    }
    byte[] bytes = octets.getOctets();
    if (bytes.length != size) {
      throw new PckExtensionException(name + " has " + bytes.length + " bytes, expected " + size);
    }
    return ByteString.of(bytes);
  }

  private static int integer(
      Map<ASN1ObjectIdentifier, ASN1Encodable> entries,
      ASN1ObjectIdentifier oid,
      String name,
      int max)
      throws PckExtensionException {
    if (!(required(entries, oid, name) instanceof ASN1Integer integer)) {
      throw new PckExtensionException(name + " is not an INTEGER");
    }
    return inRange(integer.getValue(), name, max);
  }

  private static int enumerated(
      Map<ASN1ObjectIdentifier, ASN1Encodable> entries,
      ASN1ObjectIdentifier oid,
      String name,
      int max)
      throws PckExtensionException {
    if (!(required(entries, oid, name) instanceof ASN1Enumerated enumerated)) {
      throw new PckExtensionException(name + " is not an ENUMERATED");
    }
    return inRange(enumerated.getValue(), name, max);
  }

  private static int inRange(BigInteger value, String name, int max) throws PckExtensionException {
    if (value.signum() < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
      // Printing a hostile multi-kilobyte integer in decimal would cost more than the parse.
      String shown = value.bitLength() <= 64 ? value.toString() : value.bitLength() + "-bit value";
      throw new PckExtensionException(name + " is " + shown + ", outside 0 to " + max);
    }
    return value.intValue();
  }
}
