import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarFile;

/**
 * {@code java JarContents.java JAR PREFIX...}: exits 1, naming them, when entries of JAR start with
 * one of the prefixes (a build check: what a distribution must not carry).
 */
public final class JarContents {
  public static void main(String[] args) throws IOException {
    List<String> banned = Arrays.asList(args).subList(1, args.length);
    try (JarFile jar = new JarFile(args[0])) {
      List<String> found =
          jar.stream()
              .map(e -> e.getName())
              .filter(name -> banned.stream().anyMatch(name::startsWith))
              .toList();
      if (!found.isEmpty()) {
        System.err.println(
            args[0] + " carries " + found.size() + " entries it must not, e.g. " + found.getFirst()
                + " (banned: " + banned + ")");
        System.exit(1);
      }
    }
  }
}
