package com.example.millionaires;

import java.util.HexFormat;

/**
 * One party of the contest: a name and the X25519 public key it seals its input from (its mse owner
 * key), as fixed in {@code parties.properties}.
 */
record Party(String name, String publicKeyHex) {
  byte[] publicKey() {
    return HexFormat.of().parseHex(publicKeyHex);
  }
}
