package dev.mse.enclave.front;

import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;

/**
 * With {@code tls = "runtime"}: forwards each request, bodies streamed both ways, to the app's
 * plain HTTP port on loopback, which stays inside the TEE (a confidential VM or the simulation;
 * refused under SGX, where the host's kernel carries loopback). Jetty's own reverse proxy.
 */
public final class AppProxy extends ProxyHandler.Reverse {
  public AppProxy(int appPort) {
    super(request -> target(request, appPort));
    // The front's pool rather than a client pool of its own (8 more idle platform threads).
    setUseServerThreadPool(true);
  }

  private static HttpURI target(Request request, int appPort) {
    HttpURI uri = request.getHttpURI();
    return HttpURI.build()
        .scheme("http")
        .host("127.0.0.1")
        .port(appPort)
        .path(uri.getPath())
        .query(uri.getQuery());
  }
}
