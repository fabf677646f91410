package dev.mse.attestation.trust;

import dev.mse.attestation.codec.ByteString;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * AMD's SEV-SNP roots per product, each pinned by the SHA-256 of its DER: the ARK (self-signed),
 * the ASK that issues VCEKs and the ASVK that issues VLEKs. A VCEK or VLEK is only ever checked
 * against these copies, never against a chain that arrives with the evidence.
 */
public final class AmdRoots {
  /**
   * An SEV-SNP product line; its pinned certificates are {@link #ark}, {@link #ask}, {@link #asvk}.
   */
  public enum Product {
    MILAN(
        "69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c95639a540bcd",
        "67d303bd3905fd38db8b20e0793699870e7fa612eaad5dec358293fd8c0bac1b",
        "c5e081f59b7efab1fe2f8b505e159704e72f29cab7ef7cf628a05a42439082f5"),
    GENOA(
        "4c6598d19c18719c5dfd4a7d335f674e5bfe1d8f800cea2cf270c10d103db2f1",
        "5464738c1546aed5f2cecf1dc98c5c960a92e8913238a61711bc90ec6e828521",
        "197e610743a917d6b9bb982a5a9226ccc0a15b611be0619e626aca9151457372"),
    TURIN(
        "1f084161a44bb6d93778a904877d4819cafa5d05ef4193b2ded9dd9c73dd3f6a",
        "5b77ef5fe7a7a004fd9032668fba9d0fda22f88c4442069a479636a6ae3b3185",
        "104e10a8bd060a3c20a434261a57d0588fd65a88915b4f65b08bdecaf8df1a3c");

    private final String arkSha256;
    private final String askSha256;
    private final String asvkSha256;

    Product(String arkSha256, String askSha256, String asvkSha256) {
      this.arkSha256 = arkSha256;
      this.askSha256 = askSha256;
      this.asvkSha256 = asvkSha256;
    }

    public X509Certificate ark() {
      return CERTIFICATES.get(this).ark();
    }

    public X509Certificate ask() {
      return CERTIFICATES.get(this).ask();
    }

    public X509Certificate asvk() {
      return CERTIFICATES.get(this).asvk();
    }

    /** "Milan", as AMD's KDS and the VCEK's product name spell it. */
    public String kdsName() {
      return name().charAt(0) + name().substring(1).toLowerCase(Locale.ROOT);
    }
  }

  private record Certificates(X509Certificate ark, X509Certificate ask, X509Certificate asvk) {}

  private static final Map<Product, Certificates> CERTIFICATES = load();

  private static Map<Product, Certificates> load() {
    Map<Product, Certificates> out = new EnumMap<>(Product.class);
    for (Product p : Product.values()) {
      String base = "amd_" + p.name().toLowerCase(Locale.ROOT);
      out.put(
          p,
          new Certificates(
              PinnedCertificates.load(base + "_ark.pem", ByteString.fromHex(p.arkSha256)),
              PinnedCertificates.load(base + "_ask.pem", ByteString.fromHex(p.askSha256)),
              PinnedCertificates.load(base + "_asvk.pem", ByteString.fromHex(p.asvkSha256))));
    }
    return Collections.unmodifiableMap(out);
  }

  private AmdRoots() {}

  /** The product whose ASK ({@code vlek} false) or ASVK ({@code vlek} true) issued {@code vek}. */
  public static Optional<Product> issuerOf(X509Certificate vek, boolean vlek) {
    return Arrays.stream(Product.values())
        .filter(
            p ->
                (vlek ? p.asvk() : p.ask())
                    .getSubjectX500Principal()
                    .equals(vek.getIssuerX500Principal()))
        .findFirst();
  }
}
