package dev.mse.operator.apps;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;

/**
 * The domain an app gets under the operator's apps domain: {@code <name>-<tag>.<apps domain>},
 * where {@code name} is the app's name made a DNS label (lower case; other characters become {@code
 * -}; at most 40 characters; {@code app} when nothing is left) and {@code tag} is the first 10 hex
 * digits of SHA-256(project id, NUL, app name). An app redeployed under the same name in the same
 * project keeps its domain, as MSE kept it; another project's app of the same name gets another
 * one. The domain is a name, not an identity: two live apps never hold it at once (the operator's
 * domain claims), and the enclave name {@code <app id>.enclave.<apps domain>} still names each
 * deployment.
 */
public final class AppDomains {
  private static final int MAX_NAME_LABEL = 40;
  private static final int TAG_HEX = 10;

  private AppDomains() {}

  /** The stable domain of the app named {@code appName} in project {@code projectId}. */
  public static String stable(UUID projectId, String appName, String appsDomain) {
    return label(appName) + "-" + tag(projectId, appName) + "." + appsDomain;
  }

  private static String label(String appName) {
    StringBuilder b = new StringBuilder();
    for (char c : appName.toLowerCase(Locale.ROOT).toCharArray()) {
      boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (ok) {
        b.append(c);
      } else if (!b.isEmpty() && b.charAt(b.length() - 1) != '-') {
        b.append('-');
      }
      if (b.length() == MAX_NAME_LABEL) {
        break;
      }
    }
    while (!b.isEmpty() && b.charAt(b.length() - 1) == '-') {
      b.setLength(b.length() - 1);
    }
    return b.isEmpty() ? "app" : b.toString();
  }

  private static String tag(UUID projectId, String appName) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(projectId.toString().getBytes(StandardCharsets.US_ASCII));
      sha.update((byte) 0);
      sha.update(appName.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest()).substring(0, TAG_HEX);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
