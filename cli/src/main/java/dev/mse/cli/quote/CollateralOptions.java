package dev.mse.cli.quote;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.CertificateChainReader;
import dev.mse.attestation.collateral.Collateral;
import dev.mse.attestation.collateral.CollateralCache;
import dev.mse.attestation.collateral.CollateralFormatException;
import dev.mse.attestation.collateral.CollateralReader;
import dev.mse.attestation.collateral.CollateralSource;
import dev.mse.attestation.collateral.IntelPcsDefaults;
import dev.mse.attestation.collateral.PcsClient;
import dev.mse.attestation.collateral.PcsCollateralReader;
import dev.mse.attestation.pck.PckExtensionException;
import dev.mse.attestation.pck.PckExtensionParser;
import dev.mse.attestation.quote.Quote;
import dev.mse.attestation.quote.QuoteCertificates;
import dev.mse.attestation.quote.QuoteFormatException;
import dev.mse.cli.ConfigDirectory;
import dev.mse.cli.UserError;
import dev.mse.cli.UserFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** Where the collateral comes from: one bundle file, separate PCS files, or a PCS/PCCS server. */
public final class CollateralOptions {
  @Option(
      names = "--collateral",
      paramLabel = "FILE",
      description = "collateral bundle: mse's format or dcap-qvl's QuoteCollateralV3 JSON")
  Path bundle;

  @ArgGroup(exclusive = false)
  PcsFiles files;

  @Option(
      names = "--pccs",
      paramLabel = "URL",
      description = "fetch collateral from Intel PCS or a PCCS (v4 API), cached on disk")
  URI pccs;

  /** Intel PCS responses saved one per file. */
  static final class PcsFiles {
    @Option(
        names = "--tcb-info",
        required = true,
        paramLabel = "FILE",
        description = "PCS TCB Info response")
    Path tcbInfo;

    @Option(
        names = "--qe-identity",
        required = true,
        paramLabel = "FILE",
        description = "PCS QE Identity response")
    Path qeIdentity;

    @Option(
        names = "--pck-crl",
        required = true,
        paramLabel = "FILE",
        description = "PCK CRL (PEM or DER)")
    Path pckCrl;

    @Option(
        names = "--root-crl",
        required = true,
        paramLabel = "FILE",
        description = "Intel SGX Root CA CRL (PEM or DER)")
    Path rootCrl;

    @Option(
        names = "--tcb-signing-chain",
        paramLabel = "FILE",
        description = "TCB Signing certificate and root (PEM or DER); default: the ones mse ships")
    Path tcbSigningChain;
  }

  Collateral load(QuoteFile quote, PrintWriter err) {
    try {
      if (bundle != null) {
        return CollateralReader.read(ByteString.of(UserFiles.read(bundle, "collateral file")));
      }
      if (files != null) {
        List<X509Certificate> chain =
            files.tcbSigningChain == null
                ? IntelPcsDefaults.tcbSigningChain()
                : CertificateChainReader.read(
                    ByteString.of(UserFiles.read(files.tcbSigningChain, "TCB signing chain")),
                    "--tcb-signing-chain");
        return PcsCollateralReader.read(
            ByteString.of(UserFiles.read(files.tcbInfo, "TCB Info file")),
            ByteString.of(UserFiles.read(files.qeIdentity, "QE Identity file")),
            ByteString.of(UserFiles.read(files.pckCrl, "PCK CRL file")),
            ByteString.of(UserFiles.read(files.rootCrl, "root CA CRL file")),
            List.of(),
            chain,
            chain);
      }
      return fetch(quote.parse(), pccs, err);
    } catch (CollateralFormatException e) {
      throw new UserError("the collateral cannot be read: " + e.getMessage(), e);
    }
  }

  /**
   * The collateral of {@code quote} from Intel PCS, or from the PCCS at {@code pccs} when given,
   * through the on-disk cache in {@code $MSE_CONF_PATH/collateral-cache}.
   */
  public static Collateral fetch(Quote quote, URI pccs, PrintWriter err) {
    X509Certificate leaf;
    ByteString fmspc;
    try {
      leaf = QuoteCertificates.pckChain(quote).getFirst();
      fmspc = PckExtensionParser.parse(leaf).fmspc();
    } catch (QuoteFormatException | PckExtensionException e) {
      throw new UserError("cannot tell which collateral to fetch: " + e.getMessage(), e);
    }
    String ca =
        leaf.getIssuerX500Principal().getName().contains("Processor") ? "processor" : "platform";
    try (PcsClient client =
        PcsClient.builder(sharedCache()).baseUrl(pccs).staleListener(staleWarning(err)).build()) {
      return client.fetch(fmspc, quote.isTdx(), ca);
    } catch (IOException e) {
      throw new UserError("cannot fetch collateral from " + pccs + ": " + e.getMessage(), e);
    }
  }

  /**
   * Where a verifier fetches collateral that the evidence does not carry valid: the PCCS at {@code
   * pccs} when given, else Intel PCS, through the shared on-disk cache.
   */
  public static CollateralSource source(Optional<URI> pccs, PrintWriter err) {
    return quote -> {
      PcsClient.Builder builder = PcsClient.builder(sharedCache()).staleListener(staleWarning(err));
      pccs.ifPresent(builder::baseUrl);
      try (PcsClient client = builder.build()) {
        return client.fetchFor(quote);
      }
    };
  }

  /** The on-disk cache every command that fetches collateral shares. */
  static CollateralCache sharedCache() {
    return new CollateralCache(
        ConfigDirectory.path().resolve("collateral-cache"), Clock.systemUTC());
  }

  /** One warning line when a server failed and a stale cached copy is used instead. */
  static PcsClient.StaleListener staleWarning(PrintWriter err) {
    return (url, nextUpdate, failure) ->
        err.println(
            "mse: warning: "
                + url
                + " failed ("
                + failure.getMessage()
                + "); using the cached copy, stale since "
                + nextUpdate);
  }
}
