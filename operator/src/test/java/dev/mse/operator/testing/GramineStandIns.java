package dev.mse.operator.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Stand-ins for Gramine's executables (Gramine cannot be installed on the build machines): small
 * shell scripts in {@link #bin} that record their arguments (and {@code gramine-sgx} its working
 * directory) under {@link #records}. {@code gramine-manifest} fills in the two {@code gramine.*}
 * expressions of the template as Jinja would; {@code gramine-sgx-sign} checks its options, keeps a
 * copy of the manifest it was given, copies it as the signed manifest and writes a real SIGSTRUCT
 * (Intel's layout, signed with {@link #key}, MRENCLAVE {@link #MRENCLAVE}); {@code gramine-sgx}
 * runs the body the test gives it.
 */
public final class GramineStandIns {
  /** The MRENCLAVE the stand-in signer writes. */
  public static final byte[] MRENCLAVE = HexFormat.of().parseHex("5a".repeat(32));

  /** Where {@code gramine-manifest} says Gramine's libsysdb.so is. */
  public static final String LIBOS = "/opt/gramine-stand-in/lib/libsysdb.so";

  /** Where {@code gramine-manifest} says Gramine's runtime directory is. */
  public static final String RUNTIMEDIR = "/opt/gramine-stand-in/runtime/glibc";

  /** One key for all stand-ins: an RSA-3072 key takes seconds to make. */
  private static final KeyPair KEY = SigstructWriter.newSignerKey();

  public final Path bin;
  public final Path records;
  public final KeyPair key;
  public final Path keyFile;

  private GramineStandIns(Path bin, Path records, KeyPair key, Path keyFile) {
    this.bin = bin;
    this.records = records;
    this.key = key;
    this.keyFile = keyFile;
  }

  /**
   * Installs the three stand-ins in {@code dir/bin}.
   *
   * @param gramineSgxBody what {@code gramine-sgx} does after recording (shell), e.g. {@code exit
   *     3} or an {@code exec} of the runtime
   */
  public static GramineStandIns install(Path dir, String gramineSgxBody) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path records = Files.createDirectories(dir.resolve("records"));
    KeyPair key = KEY;
    Path keyFile = dir.resolve("enclave-key.pem");
    Files.writeString(
        keyFile,
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(key.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n",
        StandardCharsets.US_ASCII);
    Files.write(records.resolve("sigstruct.bin"), SigstructWriter.write(key, MRENCLAVE, 1, 1));
    String record = "printf '%s\\n' \"$@\" -- >> '" + records + "'/\"$(basename \"$0\")\".args\n";
    script(
        bin.resolve("gramine-manifest"),
        record
            + "[ $# -eq 2 ] || { echo 'usage: gramine-manifest SOURCE OUTPUT' >&2; exit 2; }\n"
            + "sed -e 's#{{ gramine.libos }}#"
            + LIBOS
            + "#g' -e 's#{{ gramine.runtimedir() }}#"
            + RUNTIMEDIR
            + "#g' \"$1\" > \"$2\"\n");
    script(
        bin.resolve("gramine-sgx-sign"),
        record
            + "while [ $# -gt 0 ]; do\n"
            + "  case \"$1\" in\n"
            + "    --manifest) m=\"$2\"; shift 2 ;;\n"
            + "    --output) o=\"$2\"; shift 2 ;;\n"
            + "    --sigfile) s=\"$2\"; shift 2 ;;\n"
            + "    --key) k=\"$2\"; shift 2 ;;\n"
            + "    *) echo \"unknown option $1\" >&2; exit 2 ;;\n"
            + "  esac\n"
            + "done\n"
            + "[ -r \"$k\" ] || { echo \"cannot read the key $k\" >&2; exit 1; }\n"
            + "grep -q '{{' \"$m\" && { echo 'the manifest is not rendered' >&2; exit 1; }\n"
            + "cp \"$m\" '"
            + records
            + "/signed.manifest'\n"
            + "cp \"$m\" \"$o\"\n"
            + "cp '"
            + records
            + "/sigstruct.bin' \"$s\"\n"
            + "echo 'Measurement:'\n"
            + "echo '    "
            + HexFormat.of().formatHex(MRENCLAVE)
            + "'\n");
    script(
        bin.resolve("gramine-sgx"),
        record + "pwd >> '" + records + "/gramine-sgx.pwd'\n" + gramineSgxBody + "\n");
    return new GramineStandIns(bin, records, key, keyFile);
  }

  private static void script(Path file, String body) throws IOException {
    Files.writeString(file, "#!/bin/sh\n" + body, StandardCharsets.US_ASCII);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
  }

  /** Each run of {@code tool}: its arguments, in order. */
  public List<List<String>> runs(String tool) throws IOException {
    Path f = records.resolve(tool + ".args");
    List<List<String>> runs = new ArrayList<>();
    if (!Files.exists(f)) {
      return runs;
    }
    List<String> current = new ArrayList<>();
    for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
      if (line.equals("--")) {
        runs.add(current);
        current = new ArrayList<>();
      } else {
        current.add(line);
      }
    }
    return runs;
  }

  /** The working directories {@code gramine-sgx} ran in. */
  public List<String> gramineSgxDirs() throws IOException {
    Path f = records.resolve("gramine-sgx.pwd");
    return Files.exists(f) ? Files.readAllLines(f, StandardCharsets.UTF_8) : List.of();
  }

  /** The manifest {@code gramine-sgx-sign} was last given. */
  public String signedManifest() throws IOException {
    return Files.readString(records.resolve("signed.manifest"), StandardCharsets.UTF_8);
  }

  /** MRSIGNER of {@link #key}, computed here: SHA-256 of the little-endian modulus. */
  public String mrSigner() throws Exception {
    byte[] be = ((RSAPublicKey) key.getPublic()).getModulus().toByteArray();
    byte[] le = new byte[384];
    for (int i = 0; i < 384; i++) {
      le[i] = be[be.length - 1 - i];
    }
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(le));
  }
}
