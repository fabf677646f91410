package demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.mse.app.MseTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The benchmark's JDK app, as `mse home scaffold` makes it: the JDK HttpsServer with the identity
 * {@code MseTls} reads (inside the runtime: the enclave's key and certificate the runtime wrote
 * before main; standalone: the same files and system properties, given by the bench). The jar
 * carries MseTls (compiled with it), as a scaffolded app does.
 */
public final class App {
  public static void main(String[] args) throws Exception {
    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(MseTls.host(), MseTls.port()), 1024);
    server.setHttpsConfigurator(new HttpsConfigurator(MseTls.sslContext()));
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/health", ex -> reply(ex, "ok"));
    server.createContext("/hello", ex -> reply(ex, "hello from mse"));
    server.start();
  }

  private static void reply(HttpExchange ex, String text) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "text/plain");
    ex.sendResponseHeaders(200, body.length);
    ex.getResponseBody().write(body);
    ex.close();
  }
}
