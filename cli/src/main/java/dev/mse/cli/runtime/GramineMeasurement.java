package dev.mse.cli.runtime;

import dev.mse.attestation.codec.ByteString;
import dev.mse.cli.UserError;
import dev.mse.cli.UserFiles;
import dev.mse.operator.node.runtime.GramineLaunch;
import dev.mse.protocol.runtime.Sigstruct;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MRENCLAVE and MRSIGNER of a runtime signed for Gramine: read by {@code gramine-sgx-sigstruct-view
 * --output-format=toml} where it is installed (on {@code PATH}, or in {@code -Dmse.gramine.bin}),
 * else from the {@code .sig} file itself ({@link Sigstruct}, which checks its signature as EINIT
 * would). Either way, when the signer key is given, MRSIGNER must be that key's.
 */
record GramineMeasurement(ByteString mrEnclave, ByteString mrSigner, String source) {
  static final String VIEW = "gramine-sgx-sigstruct-view";
  private static final Pattern FIELD =
      Pattern.compile("(?m)^\\s*(mr_?enclave|mr_?signer)\\s*=\\s*\"([0-9a-fA-F]{64})\"");

  static GramineMeasurement of(Path sig, Optional<Path> signerKey) {
    GramineMeasurement m = tool().map(view -> viewed(view, sig)).orElseGet(() -> parsed(sig));
    signerKey.ifPresent(
        key -> {
          ByteString expected = Sigstruct.mrSignerOf(publicKey(key));
          if (!expected.equals(m.mrSigner())) {
            throw new UserError(
                sig + " is not signed with " + key + " (its MRSIGNER is " + m.mrSigner() + ")");
          }
        });
    return m;
  }

  /** {@code gramine-sgx-sigstruct-view}, if installed. */
  static Optional<Path> tool() {
    String dirs =
        Optional.ofNullable(System.getProperty("mse.gramine.bin"))
            .orElseGet(() -> Optional.ofNullable(System.getenv("PATH")).orElse(""));
    for (String dir : dirs.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, VIEW))) {
        return Optional.of(Path.of(dir, VIEW));
      }
    }
    return Optional.empty();
  }

  private static GramineMeasurement viewed(Path view, Path sig) {
    String out;
    try {
      Process p =
          new ProcessBuilder(view.toString(), "--output-format=toml", sig.toString())
              .redirectErrorStream(true)
              .start();
      out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new UserError(view + " failed on " + sig + ": " + out.strip());
      }
    } catch (IOException e) {
      throw new UserError("cannot run " + view + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("interrupted", e);
    }
    ByteString enclave = null;
    ByteString signer = null;
    Matcher m = FIELD.matcher(out);
    while (m.find()) {
      ByteString value = ByteString.fromHex(m.group(2).toLowerCase(java.util.Locale.ROOT));
      if (m.group(1).replace("_", "").equals("mrenclave")) {
        enclave = value;
      } else {
        signer = value;
      }
    }
    if (enclave == null || signer == null) {
      throw new UserError(view + " printed no mr_enclave and mr_signer for " + sig);
    }
    return new GramineMeasurement(enclave, signer, view.toString());
  }

  private static GramineMeasurement parsed(Path sig) {
    try {
      Sigstruct s = Sigstruct.parse(UserFiles.read(sig, "SIGSTRUCT file"));
      return new GramineMeasurement(s.mrEnclave(), s.mrSigner(), sig.toString());
    } catch (Sigstruct.SigstructException e) {
      throw new UserError(sig + " is not a valid SIGSTRUCT: " + e.getMessage(), e);
    }
  }

  /** The public half of an RSA key file (PEM: PKCS#1 or PKCS#8 private key, or a public key). */
  static RSAPublicKey publicKey(Path file) {
    UserFiles.read(file, "signer key"); // a missing or huge file: the usual one line
    try {
      return GramineLaunch.signerPublicKey(file);
    } catch (IOException e) {
      throw new UserError(e.getMessage(), e);
    }
  }
}
