package dev.mse.operator.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Random bearer secrets (API tokens, authorization codes, CSRF tokens) and their stored form: the
 * database holds only SHA-256 hex, so a leaked table reveals no usable token. A plain hash is
 * enough here (unlike passwords): the secrets are 256 random bits.
 */
public final class Secrets {
  /** API tokens start with this, so scanners and people recognise them. */
  public static final String TOKEN_PREFIX = "mse_";

  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {}

  /** base64url (unpadded) of 32 random bytes. */
  public static String random() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** A new API token: {@code mse_} and 32 random bytes. */
  public static String newToken() {
    return TOKEN_PREFIX + random();
  }

  public static String sha256Hex(String secret) {
    return HexFormat.of().formatHex(sha256(secret.getBytes(StandardCharsets.UTF_8)));
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** Compares two strings in time independent of where they differ. */
  public static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
