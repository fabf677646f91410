package demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.FileInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The benchmark's app: what `mse home scaffold` makes, a JDK HTTP server on $PORT / server.port.
 * With -Ddirect.keystore=FILE it serves TLS itself: the baseline the TLS front is measured against.
 */
public final class App {
  public static void main(String[] args) throws Exception {
    String env = System.getenv("PORT");
    int port = Integer.getInteger("server.port", env == null ? 8080 : Integer.parseInt(env));
    String keystore = System.getProperty("direct.keystore");
    HttpServer server;
    if (keystore != null) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (FileInputStream in = new FileInputStream(keystore)) {
        ks.load(in, "changeit".toCharArray());
      }
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, "changeit".toCharArray());
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(kmf.getKeyManagers(), null, null);
      HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
      https.setHttpsConfigurator(new HttpsConfigurator(tls));
      server = https;
    } else {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
    }
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/health", ex -> reply(ex, "ok"));
    server.createContext("/hello", ex -> reply(ex, "hello from mse"));
    server.start();
  }

  private static void reply(HttpExchange ex, String text) throws java.io.IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "text/plain");
    ex.sendResponseHeaders(200, body.length);
    ex.getResponseBody().write(body);
    ex.close();
  }
}
