package dev.mse.cli.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.cli.Main;
import dev.mse.operator.testing.SigstructWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mse runtime measurement --tee gramine-sgx}: MRENCLAVE and MRSIGNER from a SIGSTRUCT that a
 * stand-in signer wrote in Intel's layout, and through a stand-in {@code
 * gramine-sgx-sigstruct-view} when one is installed.
 */
class GramineMeasurementTest {
  private static final KeyPair KEY = SigstructWriter.newSignerKey();
  private static final byte[] MRENCLAVE = HexFormat.of().parseHex("c0de".repeat(16));

  @TempDir Path dir;

  @AfterEach
  void clear() {
    System.clearProperty("mse.gramine.bin");
  }

  private static String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new String[] {Integer.toString(code), out.toString(), err.toString()};
  }

  /** MRSIGNER as SGX defines it, computed here from the modulus independently. */
  private static String mrSigner(KeyPair key) throws Exception {
    byte[] be = ((RSAPublicKey) key.getPublic()).getModulus().toByteArray();
    byte[] le = new byte[384];
    for (int i = 0; i < 384; i++) {
      le[i] = be[be.length - 1 - i];
    }
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(le));
  }

  private Path keyFile(KeyPair key) throws Exception {
    Path f = dir.resolve("signer.pem");
    Files.writeString(
        f,
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(key.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n");
    return f;
  }

  private Path sig(byte[] content) throws Exception {
    Path f = dir.resolve("mse-runtime.sig");
    Files.write(f, content);
    return f;
  }

  @Test
  void readsMrenclaveAndMrsignerFromTheSigstruct() throws Exception {
    Path sig = sig(SigstructWriter.write(KEY, MRENCLAVE, 1, 2));
    String[] r =
        run(
            "runtime",
            "measurement",
            "--tee",
            "gramine-sgx",
            "--sig",
            sig.toString(),
            "--signer-key",
            keyFile(KEY).toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[1])
        .contains("mrenclave: " + "c0de".repeat(16))
        .contains("mrsigner:  " + mrSigner(KEY));
  }

  @Test
  void anotherSignerKeyIsOneClearLine() throws Exception {
    Path sig = sig(SigstructWriter.write(KEY, MRENCLAVE, 1, 2));
    String[] r =
        run(
            "runtime",
            "measurement",
            "--tee",
            "gramine-sgx",
            "--sig",
            sig.toString(),
            "--signer-key",
            keyFile(SigstructWriter.newSignerKey()).toString());
    assertThat(r[0]).isEqualTo("1");
    assertThat(r[2]).contains("is not signed with").doesNotContain("Exception");
  }

  @Test
  void aFlippedByteOfTheSignedPartsIsRefused() throws Exception {
    for (int offset : new int[] {20, 960, 1000, 1026}) {
      byte[] s = SigstructWriter.write(KEY, MRENCLAVE, 1, 2);
      s[offset] ^= 0x01;
      String[] r =
          run("runtime", "measurement", "--tee", "gramine-sgx", "--sig", sig(s).toString());
      assertThat(r[0]).as("byte %d", offset).isEqualTo("1");
      assertThat(r[2]).contains("signature does not verify");
    }
  }

  @Test
  void aWrongQ1IsRefusedAsEinitWould() throws Exception {
    byte[] s = SigstructWriter.write(KEY, MRENCLAVE, 1, 2);
    s[1040] ^= 0x01;
    String[] r = run("runtime", "measurement", "--tee", "gramine-sgx", "--sig", sig(s).toString());
    assertThat(r[0]).isEqualTo("1");
    assertThat(r[2]).contains("Q1 or Q2");
  }

  @Test
  void usesGramineSigstructViewWhereInstalled() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path args = dir.resolve("view.args");
    Path view = bin.resolve("gramine-sgx-sigstruct-view");
    Files.writeString(
        view,
        "#!/bin/sh\n"
            + "echo \"$@\" > '"
            + args
            + "'\n"
            + "echo 'date = \"2026-12-06\"'\n"
            + "echo 'mr_enclave = \""
            + "ab".repeat(32)
            + "\"'\n"
            + "echo 'mr_signer = \""
            + mrSigner(KEY)
            + "\"'\n",
        StandardCharsets.US_ASCII);
    Files.setPosixFilePermissions(view, PosixFilePermissions.fromString("rwx------"));
    System.setProperty("mse.gramine.bin", bin.toString());
    Path sig = sig(SigstructWriter.write(KEY, MRENCLAVE, 1, 2));
    String[] r =
        run(
            "runtime",
            "measurement",
            "--tee",
            "gramine-sgx",
            "--sig",
            sig.toString(),
            "--signer-key",
            keyFile(KEY).toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[1]).contains("mrenclave: " + "ab".repeat(32));
    assertThat(Files.readString(args).strip()).isEqualTo("--output-format=toml " + sig);
  }

  @Test
  void withoutSigItIsOneClearLine() {
    String[] r = run("runtime", "measurement", "--tee", "gramine-sgx");
    assertThat(r[0]).isEqualTo("1");
    assertThat(r[2]).contains("needs --sig FILE");
  }
}
