package dev.mse.operator.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes in the PHC string format ({@code
 * $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, unpadded base64), with OWASP's minimum parameters.
 * The parameters travel in the string, so stronger ones can be chosen later without breaking stored
 * hashes.
 */
public final class PasswordHasher {
  /** Memory in KiB, iterations and lanes: OWASP's Password Storage Cheat Sheet minimum. */
  public static final int MEMORY_KIB = 19_456;

  public static final int ITERATIONS = 2;
  public static final int PARALLELISM = 1;
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getDecoder();

  private final SecureRandom random = new SecureRandom();

  /** A new PHC string for the password, with a fresh salt. */
  public String hash(String password) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    byte[] hash = derive(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
    return "$argon2id$v=19$m="
        + MEMORY_KIB
        + ",t="
        + ITERATIONS
        + ",p="
        + PARALLELISM
        + "$"
        + B64.encodeToString(salt)
        + "$"
        + B64.encodeToString(hash);
  }

  /** True when {@code password} matches the PHC string; false for any malformed string. */
  public boolean verify(String password, String phc) {
    Optional<Phc> parsed = Phc.parse(phc);
    if (parsed.isEmpty()) {
      return false;
    }
    Phc p = parsed.get();
    byte[] actual =
        derive(password, p.salt(), p.memoryKib(), p.iterations(), p.lanes(), p.hash().length);
    return MessageDigest.isEqual(actual, p.hash());
  }

  /** Raw Argon2id (version 0x13) over the UTF-8 password. */
  static byte[] derive(
      String password, byte[] salt, int memoryKib, int iterations, int lanes, int length) {
    return derive(
        password.getBytes(StandardCharsets.UTF_8),
        salt,
        new byte[0],
        new byte[0],
        memoryKib,
        iterations,
        lanes,
        length);
  }

  static byte[] derive(
      byte[] password,
      byte[] salt,
      byte[] secret,
      byte[] additional,
      int memoryKib,
      int iterations,
      int lanes,
      int length) {
    Argon2Parameters parameters =
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withMemoryAsKB(memoryKib)
            .withIterations(iterations)
            .withParallelism(lanes)
            .withSalt(salt)
            .withSecret(secret)
            .withAdditional(additional)
            .build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(parameters);
    byte[] out = new byte[length];
    generator.generateBytes(password, out);
    return out;
  }

  /** A parsed PHC string; only what this class writes is accepted (bounded parameters). */
  private record Phc(int memoryKib, int iterations, int lanes, byte[] salt, byte[] hash) {
    static Optional<Phc> parse(String phc) {
      String[] parts = phc.split("\\$", -1);
      // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
      if (parts.length != 6 || !parts[0].isEmpty() || !parts[1].equals("argon2id")) {
        return Optional.empty();
      }
      if (!parts[2].equals("v=19")) {
        return Optional.empty();
      }
      String[] params = parts[3].split(",", -1);
      if (params.length != 3
          || !params[0].startsWith("m=")
          || !params[1].startsWith("t=")
          || !params[2].startsWith("p=")) {
        return Optional.empty();
      }
      try {
        int m = Integer.parseInt(params[0].substring(2));
        int t = Integer.parseInt(params[1].substring(2));
        int p = Integer.parseInt(params[2].substring(2));
        byte[] salt = B64D.decode(parts[4]);
        byte[] hash = B64D.decode(parts[5]);
        // bounds keep a corrupted row from costing gigabytes
        if (m < 8 || m > 1 << 21 || t < 1 || t > 16 || p < 1 || p > 16) {
          return Optional.empty();
        }
        if (salt.length < 8 || hash.length < 16 || hash.length > 64) {
          return Optional.empty();
        }
        return Optional.of(new Phc(m, t, p, salt, hash));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
  }
}
