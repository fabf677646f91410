package dev.mse.operator.api;

import dev.mse.attestation.codec.X509Codec;
import dev.mse.operator.account.Secrets;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** An in-memory key store made from PEM files, for Jetty, under a random password. */
record PemKeyStore(KeyStore keyStore, String password) {
  static PemKeyStore load(Path chainFile, Path keyFile)
      throws IOException, GeneralSecurityException {
    List<X509Certificate> chain = X509Codec.certificates(Files.readAllBytes(chainFile));
    if (chain.isEmpty()) {
      throw new GeneralSecurityException(chainFile + " holds no PEM certificate");
    }
    PrivateKey key;
    try (Reader in = Files.newBufferedReader(keyFile, StandardCharsets.US_ASCII);
        PEMParser pem = new PEMParser(in)) {
      Object o = pem.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      key =
          switch (o) {
            case PrivateKeyInfo info -> converter.getPrivateKey(info);
            case PEMKeyPair pair -> converter.getKeyPair(pair).getPrivate();
            case null, default ->
                throw new GeneralSecurityException(
                    keyFile + " holds no unencrypted PEM private key");
          };
    }
    String password = Secrets.random();
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("api", key, password.toCharArray(), chain.toArray(new Certificate[0]));
    return new PemKeyStore(store, password);
  }

  @Override
  public String toString() {
    return "PemKeyStore";
  }
}
