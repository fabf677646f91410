import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * {@code java JarVersion.java JAR}: exits 1 unless {@code java -jar JAR --version} prints the build's
 * version (a build check: the fat jar must not say "development", which only a run from classes
 * may).
 */
public final class JarVersion {
  public static void main(String[] args) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(java, "-jar", args[0], "--version").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    int code = p.waitFor();
    if (code != 0 || !out.matches("mse \\S+") || out.equals("mse development")) {
      System.err.println(args[0] + " --version printed '" + out + "' (exit " + code + ")");
      System.exit(1);
    }
  }
}
