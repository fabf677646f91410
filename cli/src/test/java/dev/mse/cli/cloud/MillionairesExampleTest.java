package dev.mse.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.cli.Json;
import dev.mse.cli.MseCli;
import dev.mse.cli.PrivateFiles;
import dev.mse.cli.owner.OwnerKey;
import dev.mse.protocol.provisioning.X25519KeyPair;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code examples/millionaires}, Yao's millionaires in a TEE: its own tests through {@code mse home
 * localtest}, then the contest as its parties play it on a simulated deployment. Two parties, each
 * with its own mse owner key (listed in the code's {@code parties.properties}), verify the enclave
 * with {@code mse cloud verify}, fetch the app's key over the verified TLS, seal their wealth with
 * {@code mse home seal --receiver-public-key} and post it with curl; only who is richer comes out,
 * and neither amount is anywhere in the operator's files, the node's or the logs.
 */
class MillionairesExampleTest {
  private static final Path EXAMPLE =
      Path.of("..", "examples", "millionaires").toAbsolutePath().normalize();

  // Distinctive amounts: if either shows up in a file, it leaked.
  private static final String ALICE_WEALTH = "7312468531";
  private static final String BOB_WEALTH = "9081726354";

  @Test
  void localtestRunsTheExamplesOwnTests(@TempDir Path work) {
    MseCli.Run run =
        MseCli.run(work.resolve("conf"), "home", "localtest", "--project", EXAMPLE.toString())
            .succeeded();
    assertThat(run.out())
        .contains("millionaires runs at https://127.0.0.1:")
        .contains("tests passed");
  }

  @Test
  void twoPartiesLearnWhoIsRicherAndNobodyElseSeesTheirWealth(@TempDir Path work) throws Exception {
    Path parties = Files.createDirectories(work.resolve("parties"));
    Path alice = ownerKey(parties.resolve("alice"));
    Path bob = ownerKey(parties.resolve("bob"));
    Path carol = ownerKey(parties.resolve("carol"));
    // The code provider lists the two parties' public keys in the code, as the README says.
    Path project = copyFollowingLinks(EXAMPLE, work.resolve("millionaires"));
    Files.writeString(
        project.resolve("src/main/resources/parties.properties"),
        "alice = " + publicKey(alice) + "\nbob = " + publicKey(bob) + "\n");

    try (CloudFixture cloud = new CloudFixture(work)) {
      JsonNode app =
          Json.MAPPER.readTree(
              cloud
                  .cli(
                      "cloud",
                      "deploy",
                      "--path",
                      project.resolve("mse.toml").toString(),
                      "--allow-simulation",
                      "--json",
                      "-y")
                  .succeeded()
                  .out());
      String base = "https://" + app.path("domain").asString() + ":" + cloud.proxyPort();
      String fingerprint = app.path("code_sha256").asString();

      // Each party checks the code (hence the parties) runs in a verified enclave, then takes the
      // app's key over that enclave's TLS.
      for (Path party : List.of(alice, bob, carol)) {
        verify(party, base, fingerprint);
      }
      assertThat(get(alice, base + "/result")).contains("\"missing\":[\"alice\",\"bob\"]");

      assertThat(post(alice, base, seal(alice, "{\"wealth\": " + ALICE_WEALTH + "}")))
          .startsWith("201")
          .contains("\"accepted\":\"alice\"");
      // First input final: a second one, even a smaller amount, is refused.
      assertThat(post(alice, base, seal(alice, "{\"wealth\": 12}"))).startsWith("409");
      // A key the code does not list takes no part.
      assertThat(post(carol, base, seal(carol, "{\"wealth\": 99999999999}"))).startsWith("403");
      assertThat(get(bob, base + "/result"))
          .contains("\"status\":\"waiting\"")
          .contains("\"missing\":[\"bob\"]");

      assertThat(post(bob, base, seal(bob, "{\"wealth\": " + BOB_WEALTH + "}"))).startsWith("201");
      assertThat(get(alice, base + "/result"))
          .contains("{\"status\":\"done\",\"richest\":\"bob\"}");

      // The app's output says who sent an input, never what: the logs the operator keeps...
      String appId = app.path("app_id").asString();
      String logs = cloud.cli("cloud", "logs", appId).succeeded().out();
      assertThat(logs).contains("input accepted from alice").contains("input accepted from bob");
      assertThat(logs).doesNotContain(ALICE_WEALTH).doesNotContain(BOB_WEALTH);
      // ...and the files: while the app runs, and once it stopped (its log moved to the database).
      assertAmountsInNoFile(List.of(work, cloud.operator.nodesDir()), parties);
      cloud.cli("cloud", "stop", appId).succeeded();
      assertAmountsInNoFile(List.of(work, cloud.operator.nodesDir()), parties);
    }
  }

  /**
   * Every file under {@code roots} but the parties' own: the operator's (database, packages, logs),
   * the node's and the deploying owner's. The app's log must be among them, or the scan proves
   * nothing.
   */
  private static void assertAmountsInNoFile(List<Path> roots, Path parties) throws Exception {
    List<Path> scanned = new ArrayList<>();
    for (Path root : roots) {
      CloudFixture.files(root).stream().filter(f -> !f.startsWith(parties)).forEach(scanned::add);
    }
    assertThat(scanned.stream().filter(f -> contains(f, "input accepted from bob")))
        .as("files holding the app's log")
        .isNotEmpty();
    assertThat(scanned.stream().filter(f -> contains(f, ALICE_WEALTH) || contains(f, BOB_WEALTH)))
        .as("files holding an amount")
        .isEmpty();
  }

  /** A party's mse configuration directory, with an owner key pair of its own. */
  private static Path ownerKey(Path conf) {
    X25519KeyPair pair = X25519KeyPair.generate();
    PrivateFiles.directory(conf);
    PrivateFiles.write(conf.resolve(OwnerKey.PRIVATE_FILE), hexLine(pair.privateKey()));
    PrivateFiles.writePublic(
        conf.resolve(OwnerKey.PUBLIC_FILE), hexLine(pair.publicKey().toByteArray()));
    return conf;
  }

  private static String publicKey(Path conf) throws Exception {
    return Files.readString(conf.resolve(OwnerKey.PUBLIC_FILE)).strip();
  }

  /**
   * {@code mse cloud verify}, then the app's key fetched trusting only the verified certificate.
   */
  private static void verify(Path party, String base, String fingerprint) throws Exception {
    MseCli.run(
            party,
            "cloud",
            "verify",
            base.substring("https://".length()),
            "--fingerprint",
            fingerprint,
            "--allow-simulation",
            "--output",
            party.resolve("cert.pem").toString())
        .succeeded();
    String key = get(party, base + "/public-key").strip();
    assertThat(key).matches("[0-9a-f]{64}");
    Files.writeString(party.resolve("app.pub"), key + "\n");
  }

  /** {@code mse home seal --receiver-public-key app.pub}, as the party. */
  private static Path seal(Path party, String input) throws Exception {
    Path wealth = Files.writeString(party.resolve("my-wealth.json"), input + "\n");
    Path sealed = party.resolve("sealed.bin");
    MseCli.run(
            party,
            "home",
            "seal",
            "--receiver-public-key",
            party.resolve("app.pub").toString(),
            "--input",
            wealth.toString(),
            "--output",
            sealed.toString())
        .succeeded();
    return sealed;
  }

  /** curl's status code, a space, and the body. */
  private static String post(Path party, String base, Path sealed) throws Exception {
    MseCli.Run r =
        CloudFixture.curl(
            "--cacert",
            party.resolve("cert.pem").toString(),
            "--data-binary",
            "@" + sealed,
            "-w",
            "%{http_code} ",
            "-o",
            party.resolve("answer.json").toString(),
            base + "/inputs");
    assertThat(r.exitCode()).as(r.out()).isZero();
    return r.out() + Files.readString(party.resolve("answer.json"));
  }

  private static String get(Path party, String url) throws Exception {
    MseCli.Run r = CloudFixture.curl("--cacert", party.resolve("cert.pem").toString(), url);
    assertThat(r.exitCode()).as(r.out()).isZero();
    return r.out();
  }

  private static boolean contains(Path file, String text) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(text);
    } catch (java.io.IOException e) {
      // A file that went away meanwhile (a rotated log) holds nothing now.
      return false;
    }
  }

  /** The example as a user copies it out ({@code cp -rL}), without what a build left in it. */
  private static Path copyFollowingLinks(Path from, Path to) throws Exception {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path rel = from.relativize(p);
        if (rel.startsWith("target") || rel.startsWith("build")) {
          continue;
        }
        Path dest = to.resolve(rel.toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(p, dest, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    return to;
  }

  private static byte[] hexLine(byte[] key) {
    return (HexFormat.of().formatHex(key) + "\n").getBytes(StandardCharsets.US_ASCII);
  }
}
