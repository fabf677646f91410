package dev.mse.cli.home;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.cli.Json;
import dev.mse.cli.MseCli;
import dev.mse.protocol.provisioning.X25519KeyPair;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code mse home encrypt/decrypt}, {@code seal --receiver-public-key} and {@code unseal}. */
class HomeFileCommandsTest {
  static final String RESULT = "{\"richest\": \"bob\"}\n";

  @Test
  void encryptMakesAKeyAndDecryptGivesTheFileBack(@TempDir Path work) throws Exception {
    Path conf = work.resolve("conf");
    Path input = Files.writeString(work.resolve("data.json"), RESULT);
    Path key = work.resolve("data.key");
    MseCli.Run enc =
        MseCli.run(
                conf,
                "home",
                "encrypt",
                "--input",
                input.toString(),
                "--key",
                key.toString(),
                "--output",
                work.resolve("data.enc").toString())
            .succeeded();
    assertThat(enc.out()).contains("made a new key").contains("data.enc");
    assertThat(Files.getPosixFilePermissions(key))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    String hex = Files.readString(key).strip();
    assertThat(hex).matches("[0-9a-f]{64}");
    assertThat(enc.out() + enc.err()).doesNotContain(hex);
    byte[] ciphertext = Files.readAllBytes(work.resolve("data.enc"));
    assertThat(Bytes.contains(ciphertext, "richest".getBytes(StandardCharsets.UTF_8))).isFalse();

    // To a file, as JSON; and, as text, to standard output.
    MseCli.Run dec =
        MseCli.run(
                conf,
                "home",
                "decrypt",
                "--input",
                work.resolve("data.enc").toString(),
                "--key",
                key.toString(),
                "--output",
                work.resolve("back.json").toString(),
                "--json")
            .succeeded();
    JsonNode json = Json.MAPPER.readTree(dec.out());
    assertThat(json.path("bytes").asInt()).isEqualTo(RESULT.length());
    assertThat(Files.readString(work.resolve("back.json"))).isEqualTo(RESULT);
    assertThat(
            MseCli.run(
                    conf,
                    "home",
                    "decrypt",
                    "--input",
                    work.resolve("data.enc").toString(),
                    "--key",
                    key.toString())
                .succeeded()
                .out())
        .isEqualTo(RESULT);

    // A second encrypt reuses the key: no new key is made.
    assertThat(
            MseCli.run(
                    conf,
                    "home",
                    "encrypt",
                    "--input",
                    input.toString(),
                    "--key",
                    key.toString(),
                    "--output",
                    work.resolve("again.enc").toString())
                .succeeded()
                .out())
        .doesNotContain("made a new key");
    assertThat(Files.readString(key).strip()).isEqualTo(hex);
  }

  @Test
  void decryptRefusesAnotherKeyAnAlteredFileAndWritesNothing(@TempDir Path work) throws Exception {
    Path conf = work.resolve("conf");
    Path input = Files.writeString(work.resolve("data.json"), RESULT);
    MseCli.run(
            conf,
            "home",
            "encrypt",
            "--input",
            input.toString(),
            "--key",
            work.resolve("a.key").toString(),
            "--output",
            work.resolve("data.enc").toString())
        .succeeded();
    Files.writeString(work.resolve("b.key"), "ab".repeat(32) + "\n");
    MseCli.Run wrongKey =
        MseCli.run(
                conf,
                "home",
                "decrypt",
                "--input",
                work.resolve("data.enc").toString(),
                "--key",
                work.resolve("b.key").toString(),
                "--output",
                work.resolve("out.json").toString())
            .failed();
    assertThat(wrongKey.err().lines()).hasSize(1);
    assertThat(wrongKey.err()).contains("does not decrypt with this key");
    assertThat(work.resolve("out.json")).doesNotExist();

    byte[] altered = Files.readAllBytes(work.resolve("data.enc"));
    altered[altered.length - 1] ^= 1;
    Files.write(work.resolve("altered.enc"), altered);
    MseCli.run(
            conf,
            "home",
            "decrypt",
            "--input",
            work.resolve("altered.enc").toString(),
            "--key",
            work.resolve("a.key").toString(),
            "--output",
            work.resolve("out.json").toString())
        .failed();
    assertThat(work.resolve("out.json")).doesNotExist();

    Files.writeString(work.resolve("short.key"), "abcd\n");
    assertThat(
            MseCli.run(
                    conf,
                    "home",
                    "decrypt",
                    "--input",
                    work.resolve("data.enc").toString(),
                    "--key",
                    work.resolve("short.key").toString())
                .failed()
                .err())
        .contains("is not a 32-byte key");
  }

  @Test
  void sealToAPublicKeyUnsealsOnlyForItsHolderFromItsSender(@TempDir Path work) throws Exception {
    Path alice = ownerKeys(work.resolve("alice"));
    Path bob = ownerKeys(work.resolve("bob"));
    Path input = Files.writeString(work.resolve("bid.json"), RESULT);
    Path sealed = work.resolve("bid.sealed");

    MseCli.Run seal =
        MseCli.run(
                alice,
                "home",
                "seal",
                "--input",
                input.toString(),
                "--receiver-public-key",
                bob.resolve("owner.pub").toString(),
                "--output",
                sealed.toString(),
                "--json")
            .succeeded();
    assertThat(Json.MAPPER.readTree(seal.out()).path("receiver_public_key").asString())
        .isEqualTo(Files.readString(bob.resolve("owner.pub")).strip());
    assertThat(
            Bytes.contains(Files.readAllBytes(sealed), "richest".getBytes(StandardCharsets.UTF_8)))
        .isFalse();

    // Bob, with his owner key, knowing Alice sealed it.
    MseCli.Run unseal =
        MseCli.run(
                bob,
                "home",
                "unseal",
                "--input",
                sealed.toString(),
                "--sender-public-key",
                alice.resolve("owner.pub").toString(),
                "--output",
                work.resolve("bid.json.out").toString())
            .succeeded();
    assertThat(unseal.out()).contains("unsealed, sealed by " + hex(alice));
    assertThat(Files.readString(work.resolve("bid.json.out"))).isEqualTo(RESULT);

    // Alice cannot open what she sealed to Bob, and Bob refuses it as coming from himself.
    assertThat(
            MseCli.run(
                    alice,
                    "home",
                    "unseal",
                    "--input",
                    sealed.toString(),
                    "--sender-public-key",
                    alice.resolve("owner.pub").toString())
                .failed()
                .err())
        .contains("does not unseal");
    MseCli.run(bob, "home", "unseal", "--input", sealed.toString()).failed();

    // Sealed to one's own owner.pub, unsealed with the defaults: the owner's key both ways.
    MseCli.run(
            alice,
            "home",
            "seal",
            "--input",
            input.toString(),
            "--receiver-public-key",
            alice.resolve("owner.pub").toString(),
            "--output",
            work.resolve("self.sealed").toString())
        .succeeded();
    assertThat(
            MseCli.run(alice, "home", "unseal", "--input", work.resolve("self.sealed").toString())
                .succeeded()
                .out())
        .isEqualTo(RESULT);
  }

  @Test
  void sealWantsExactlyOneReceiver(@TempDir Path work) throws Exception {
    Path alice = ownerKeys(work.resolve("alice"));
    Path input = Files.writeString(work.resolve("s.json"), "{}");
    assertThat(
            MseCli.run(alice, "home", "seal", "--input", input.toString(), "--output", "x.sealed")
                .failed()
                .err())
        .contains("give one of --receiver-enclave and --receiver-public-key");
    assertThat(
            MseCli.run(
                    alice,
                    "home",
                    "seal",
                    "--input",
                    input.toString(),
                    "--receiver-enclave",
                    "ratls.pem",
                    "--receiver-public-key",
                    alice.resolve("owner.pub").toString(),
                    "--output",
                    "x.sealed")
                .failed()
                .err())
        .contains("give one of");
  }

  private static Path ownerKeys(Path conf) throws Exception {
    Files.createDirectories(conf);
    X25519KeyPair pair = X25519KeyPair.generate();
    Files.writeString(conf.resolve("owner.key"), HexFormat.of().formatHex(pair.privateKey()));
    Files.writeString(
        conf.resolve("owner.pub"), HexFormat.of().formatHex(pair.publicKey().toByteArray()));
    return conf;
  }

  private static String hex(Path conf) throws Exception {
    return Files.readString(conf.resolve("owner.pub")).strip();
  }
}
