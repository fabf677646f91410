package dev.mse.operator.node.runtime;

import dev.mse.attestation.codec.ByteString;
import dev.mse.protocol.runtime.Sigstruct;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * A {@link RuntimeLaunch} inside a Gramine SGX enclave: renders the manifest template ({@code
 * enclave/gramine/mse-runtime.manifest.template}) for this node, has {@code gramine-manifest} fill
 * in Gramine's own paths, signs it with {@code gramine-sgx-sign} and the operator's enclave signing
 * key, reads MRENCLAVE and MRSIGNER back from the SIGSTRUCT, and starts {@code gramine-sgx} as the
 * node's process. A gramine-sgx runtime never runs as a plain JVM: without Gramine's tools or a
 * signing key nothing starts, and the error says what is missing.
 *
 * <p>The node's own host paths (its config, package, sealed state and data) are written into the
 * manifest relative to the directory {@code gramine-sgx} runs in, so the measurement does not
 * depend on where a node lives: it covers the JDK and runtime distribution (their paths and
 * contents), the ports, the memory split of the enclave size, the thread and CPU counts, the
 * provisioning timeout and the PCCS.
 */
public final class GramineLaunch {
  /** The application name: {@code gramine-sgx mse-runtime} reads {@code mse-runtime.*}. */
  public static final String APPLICATION = "mse-runtime";

  /** The template, among this class's resources (a copy of enclave/gramine's, made by Maven). */
  public static final String TEMPLATE = "mse-runtime.manifest.template";

  public static final String MANIFEST_TOOL = "gramine-manifest";
  public static final String SIGN_TOOL = "gramine-sgx-sign";
  public static final String RUN_TOOL = "gramine-sgx";

  private static final String ARCH_LIBDIR = "/lib/x86_64-linux-gnu";
  private static final Pattern VARIABLE = Pattern.compile("\\{\\{\\s*([^}]*?)\\s*\\}\\}");
  private static final Pattern SAFE = Pattern.compile("[\\x20-\\x7e&&[^\"\\\\{}]]*");
  private static final long TOOL_TIMEOUT_MINUTES = 15;

  /**
   * How this host runs Gramine.
   *
   * @param signerKey the enclave signing key (RSA-3072, exponent 3; {@code
   *     gramine-sgx-gen-private-key} makes one): its public half is MRSIGNER
   * @param binDir where Gramine's executables are; empty: {@code -Dmse.gramine.bin}, else {@code
   *     PATH}
   * @param maxThreads {@code sgx.max_threads}: every JVM thread (the app's too) needs one
   */
  public record Settings(Optional<Path> signerKey, Optional<Path> binDir, int maxThreads) {
    public static final int DEFAULT_MAX_THREADS = 256;

    /** No key, Gramine found on {@code PATH}, the default thread count. */
    public static final Settings DEFAULTS =
        new Settings(Optional.empty(), Optional.empty(), DEFAULT_MAX_THREADS);

    public Settings {
      if (maxThreads < 16 || maxThreads > 8192) {
        throw new IllegalArgumentException(
            "[gramine] max_threads must be between 16 and 8192, got " + maxThreads);
      }
    }

    public Settings withSignerKey(Path key) {
      return new Settings(Optional.of(key), binDir, maxThreads);
    }

    public Settings withBinDir(Path dir) {
      return new Settings(signerKey, Optional.of(dir), maxThreads);
    }
  }

  private final RuntimeLaunch launch;
  private final Settings settings;
  private final Path dir;
  private final int cores;

  /**
   * @param launch the runtime's launch: paths, ports, size, PCCS; its work directory is where
   *     {@code gramine-sgx} runs, and holds the node's config, package, state and data
   * @param settings the signing key and where Gramine is
   * @param dir where the manifest, signed manifest and SIGSTRUCT are written (the operator's, not
   *     the runtime user's: the signing tools run as the operator)
   * @param cores the CPUs the JVM sizes itself for; 0: as many as it sees
   */
  public GramineLaunch(RuntimeLaunch launch, Settings settings, Path dir, int cores) {
    if (!launch.tee().equals("gramine-sgx")) {
      throw new IllegalArgumentException("a Gramine launch is for tee gramine-sgx");
    }
    this.launch = launch;
    this.settings = settings;
    this.dir = dir.toAbsolutePath().normalize();
    this.cores = cores;
  }

  /** What {@code gramine-sgx} is given: the signed files are this path plus their suffixes. */
  public Path application() {
    return dir.resolve(APPLICATION);
  }

  /** The node's template: MSE's variables filled in, Gramine's left for gramine-manifest. */
  public Path nodeTemplate() {
    return dir.resolve(APPLICATION + ".manifest.template");
  }

  public Path manifest() {
    return dir.resolve(APPLICATION + ".manifest");
  }

  public Path signedManifest() {
    return dir.resolve(APPLICATION + ".manifest.sgx");
  }

  public Path sigFile() {
    return dir.resolve(APPLICATION + ".sig");
  }

  /**
   * Refuses, naming all of them, when Gramine's executables ({@code gramine-manifest} and {@code
   * gramine-sgx-sign} too when {@code signing}) or the signing key are missing.
   */
  public static void checkReady(Settings settings, boolean signing) throws IOException {
    List<String> wanted = signing ? List.of(MANIFEST_TOOL, SIGN_TOOL, RUN_TOOL) : List.of(RUN_TOOL);
    List<String> missing = wanted.stream().filter(t -> find(settings, t).isEmpty()).toList();
    if (!missing.isEmpty()) {
      throw new IOException(
          "tee gramine-sgx needs Gramine, and "
              + String.join(", ", missing)
              + (missing.size() == 1 ? " is" : " are")
              + " not in "
              + searched(settings)
              + ": install Gramine 1.7 or newer"
              + " (https://gramine.readthedocs.io/en/stable/installation.html) or name its"
              + " directory ([gramine] bin_dir in operator.toml, -Dmse.gramine.bin for mse);"
              + " a gramine-sgx runtime never runs as a plain JVM");
    }
    if (signing) {
      Path key =
          settings
              .signerKey()
              .orElseThrow(
                  () ->
                      new IOException(
                          "tee gramine-sgx needs the enclave signing key, whose public half is"
                              + " MRSIGNER: give --signer-key FILE (mse home spawn) or [gramine]"
                              + " signer_key (operator.toml); gramine-sgx-gen-private-key makes"
                              + " one (RSA-3072, exponent 3)"));
      if (!Files.isRegularFile(key) || !Files.isReadable(key)) {
        throw new IOException("the enclave signing key " + key + " is not a readable file");
      }
      signerPublicKey(key);
    }
  }

  /**
   * The public half of an enclave signing key file (PEM: PKCS#1 or PKCS#8 private key, or a public
   * key), which must be RSA-3072 with exponent 3, as SGX requires.
   */
  public static RSAPublicKey signerPublicKey(Path file) throws IOException {
    Object pem;
    try (PEMParser parser =
        new PEMParser(new StringReader(Files.readString(file, StandardCharsets.US_ASCII)))) {
      pem = parser.readObject();
    } catch (IOException | RuntimeException e) {
      throw new IOException(file + " is not a PEM key: " + e.getMessage(), e);
    }
    try {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      Object key =
          switch (pem) {
            case PEMKeyPair pair -> converter.getKeyPair(pair).getPublic();
            case PrivateKeyInfo info -> converter.getPrivateKey(info);
            case SubjectPublicKeyInfo info -> converter.getPublicKey(info);
            case null, default -> null;
          };
      if (key instanceof RSAPrivateCrtKey crt) {
        key =
            KeyFactory.getInstance("RSA")
                .generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
      }
      if (key instanceof RSAPublicKey rsa
          && rsa.getModulus().bitLength() == 3072
          && rsa.getPublicExponent().equals(BigInteger.valueOf(3))) {
        return rsa;
      }
    } catch (GeneralSecurityException | IOException e) {
      throw new IOException(file + " is not a usable RSA key: " + e.getMessage(), e);
    }
    throw new IOException(
        file
            + " is not an RSA-3072 key with exponent 3, as SGX requires"
            + " (gramine-sgx-gen-private-key makes one)");
  }

  /**
   * Renders this node's manifest, has Gramine fill in its paths and sign it, and returns the
   * SIGSTRUCT it wrote (checked as EINIT would: a signing tool that wrote anything else is an
   * error). Each step's output goes to the node's log.
   */
  public Sigstruct sign() throws IOException {
    checkReady(settings, true);
    Files.createDirectories(dir);
    writeNew(nodeTemplate(), render());
    for (Path p : List.of(manifest(), signedManifest(), sigFile())) {
      Files.deleteIfExists(p);
    }
    run(List.of(tool(MANIFEST_TOOL).toString(), nodeTemplate().toString(), manifest().toString()));
    run(
        List.of(
            tool(SIGN_TOOL).toString(),
            "--manifest",
            manifest().toString(),
            "--output",
            signedManifest().toString(),
            "--sigfile",
            sigFile().toString(),
            "--key",
            settings.signerKey().orElseThrow().toString()));
    if (!Files.isRegularFile(signedManifest(), LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(SIGN_TOOL + " wrote no " + signedManifest());
    }
    Sigstruct sig = readSig();
    ByteString expected = Sigstruct.mrSignerOf(signerPublicKey(settings.signerKey().orElseThrow()));
    if (!sig.mrSigner().equals(expected)) {
      throw new IOException(
          sigFile() + " is not signed with " + settings.signerKey().orElseThrow() + ": refused");
    }
    note(
        "gramine-sgx enclave signed: mrenclave "
            + sig.mrEnclave().hex()
            + " mrsigner "
            + sig.mrSigner().hex());
    return sig;
  }

  /** The SIGSTRUCT of the signed manifest, checked as EINIT would. */
  public Sigstruct readSig() throws IOException {
    if (!Files.isRegularFile(sigFile(), LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(
          "the runtime is not signed for Gramine: " + sigFile() + " is missing (sign it again)");
    }
    try {
      return Sigstruct.parse(Files.readAllBytes(sigFile()));
    } catch (Sigstruct.SigstructException e) {
      throw new IOException(sigFile() + " is not a valid SIGSTRUCT: " + e.getMessage(), e);
    }
  }

  /**
   * The command line: {@code gramine-sgx} on the signed manifest, confined like a plain runtime.
   */
  public List<String> command(Optional<Confinement> confinement) throws IOException {
    List<String> command = new ArrayList<>(RuntimeLaunch.sessionPrefix());
    confinement.ifPresent(c -> command.addAll(c.prefix()));
    command.add(tool(RUN_TOOL).toString());
    command.add(application().toString());
    return command;
  }

  /**
   * Starts {@code gramine-sgx} on the signed manifest in the launch's work directory; its output
   * (Gramine's and the runtime's) is appended to the launch's log.
   */
  public Process start(String banner, Optional<Confinement> confinement) throws IOException {
    checkReady(settings, false);
    if (!Files.isRegularFile(signedManifest(), LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(
          "the runtime is not signed for Gramine: " + signedManifest() + " is missing");
    }
    readSig();
    return launch.startCommand(command(confinement), banner, confinement);
  }

  /**
   * True when {@code commandLine} is that of {@code gramine-sgx} (or its loader) on {@code app}.
   */
  public static boolean isRuntimeOf(String commandLine, Path app) {
    String a = app.toString();
    int at = commandLine.indexOf(a);
    while (at >= 0) {
      int end = at + a.length();
      boolean startsWord = at == 0 || commandLine.charAt(at - 1) == ' ';
      boolean endsWord = end == commandLine.length() || commandLine.charAt(end) == ' ';
      if (startsWord && endsWord) {
        return true;
      }
      at = commandLine.indexOf(a, at + 1);
    }
    return false;
  }

  /**
   * The manifest template with MSE's variables filled in for this node; {@code gramine.*} is left
   * for {@code gramine-manifest}. Every value is checked to be a plain TOML string that Jinja
   * leaves alone, so no path or URL can add manifest entries.
   */
  public String render() throws IOException {
    Map<String, String> values = variables();
    String template = template();
    Matcher m = VARIABLE.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      String value;
      if (name.startsWith("gramine.")) {
        value = m.group();
      } else if (values.containsKey(name)) {
        value = values.get(name);
      } else {
        throw new IllegalStateException("the manifest template names an unknown variable " + name);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private Map<String, String> variables() throws IOException {
    int size = launch.sizeMb();
    if (size < 256 || Integer.bitCount(size) != 1) {
      throw new IOException(
          "an SGX enclave's size is a power of two (Gramine's sgx.enclave_size): "
              + size
              + " MB is not");
    }
    Path work = launch.workDir().toAbsolutePath().normalize();
    Map<String, String> v = new LinkedHashMap<>();
    v.put("log_level", "error");
    v.put("arch_libdir", ARCH_LIBDIR);
    v.put("java_home", safe(Path.of(System.getProperty("java.home")).toAbsolutePath().toString()));
    v.put("runtime_dir", safe(launch.runtimeDir().toAbsolutePath().normalize().toString()));
    v.put("config_file", hostPath(work, launch.configFile()));
    v.put("package_file", hostPath(work, launch.packageFile()));
    v.put("state_dir", hostPath(work, launch.stateDir()));
    v.put("data_dir", hostPath(work, launch.dataDir()));
    v.put("enclave_size", size + "M");
    v.put("max_threads", Integer.toString(settings.maxThreads()));
    v.put("host", safe(launch.host()));
    v.put("port", Integer.toString(launch.port()));
    v.put("app_port", Integer.toString(launch.appPort()));
    List<String> jvm = new ArrayList<>(RuntimeMemory.jvmOptions(size));
    if (cores > 0) {
      jvm.add("-XX:ActiveProcessorCount=" + cores);
    }
    if (launch.frontConnectionsPerSource() > 0) {
      jvm.add("-Dmse.front.connectionsPerSource=" + launch.frontConnectionsPerSource());
    }
    v.put("jvm_options", items(jvm));
    List<String> runtime =
        new ArrayList<>(
            List.of("--provisioning-timeout", Long.toString(launch.provisioningTimeoutMinutes())));
    launch.pccs().ifPresent(url -> runtime.addAll(List.of("--pccs", url.toString())));
    v.put("runtime_options", items(runtime));
    return v;
  }

  /** {@code p} relative to the work directory when inside it (so not measured), else absolute. */
  private static String hostPath(Path work, Path p) throws IOException {
    Path abs = p.toAbsolutePath().normalize();
    return safe(
        abs.startsWith(work) && !abs.equals(work)
            ? work.relativize(abs).toString()
            : abs.toString());
  }

  /** TOML array items, each quoted, each followed by a comma. */
  private static String items(List<String> values) throws IOException {
    StringBuilder b = new StringBuilder();
    for (String s : values) {
      b.append(b.isEmpty() ? "" : " ").append('"').append(safe(s)).append("\",");
    }
    return b.toString();
  }

  private static String safe(String value) throws IOException {
    if (!SAFE.matcher(value).matches()) {
      throw new IOException(
          "cannot put '"
              + value.replaceAll("[^\\x20-\\x7e]", "?")
              + "' into a Gramine manifest: quotes, backslashes, braces and control characters"
              + " are refused");
    }
    return value;
  }

  private static String template() throws IOException {
    try (InputStream in = GramineLaunch.class.getResourceAsStream(TEMPLATE)) {
      if (in == null) {
        throw new IOException("the Gramine manifest template is not among the operator's classes");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Writes a new file (a link or file standing there is removed, never followed). */
  private static void writeNew(Path file, String content) throws IOException {
    Files.deleteIfExists(file);
    Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
  }

  /** Runs one of Gramine's tools in the work directory, its output appended to the log. */
  private void run(List<String> command) throws IOException {
    note("running " + String.join(" ", command));
    // its output to a file, not a pipe: a tool that hangs with its output open still times out
    Path output = Files.createTempFile(dir, "tool-", ".out");
    try {
      Process p =
          new ProcessBuilder(command)
              .directory(launch.workDir().toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      try {
        if (!p.waitFor(TOOL_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
          p.destroyForcibly();
          throw new IOException(
              command.getFirst() + " did not finish in " + TOOL_TIMEOUT_MINUTES + " minutes");
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while running " + command.getFirst(), e);
      }
      byte[] out = Files.readAllBytes(output);
      Files.write(launch.logFile(), out, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      if (p.exitValue() != 0) {
        String text = new String(out, StandardCharsets.UTF_8).strip();
        String last = text.isEmpty() ? "" : ": " + text.substring(text.lastIndexOf('\n') + 1);
        throw new IOException(
            Path.of(command.getFirst()).getFileName()
                + " failed (exit "
                + p.exitValue()
                + ")"
                + last);
      }
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private void note(String line) throws IOException {
    Files.writeString(
        launch.logFile(),
        "--- mse: " + line + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  private Path tool(String name) throws IOException {
    return find(settings, name)
        .orElseThrow(() -> new IOException(name + " is not in " + searched(settings)));
  }

  /** Where Gramine's executables are looked for. */
  private static List<String> searchPath(Settings settings) {
    String dirs =
        settings
            .binDir()
            .map(Path::toString)
            .or(() -> Optional.ofNullable(System.getProperty("mse.gramine.bin")))
            .orElseGet(() -> Optional.ofNullable(System.getenv("PATH")).orElse(""));
    return List.of(dirs.split(File.pathSeparator)).stream().filter(d -> !d.isEmpty()).toList();
  }

  private static String searched(Settings settings) {
    return settings.binDir().isPresent() || System.getProperty("mse.gramine.bin") != null
        ? String.join(File.pathSeparator, searchPath(settings))
        : "PATH";
  }

  /** An executable of Gramine's, if installed. */
  public static Optional<Path> find(Settings settings, String name) {
    for (String d : searchPath(settings)) {
      Path p = Path.of(d, name);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return Optional.of(p.toAbsolutePath());
      }
    }
    return Optional.empty();
  }
}
