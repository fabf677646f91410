package dev.mse.enclave.front;

import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;

/**
 * Forwards requests, bodies streamed both ways, to the app on its loopback port. The app speaks
 * plain HTTP/1.1 on 127.0.0.1 inside the TEE; the TLS that protects users ends at the front.
 */
public final class AppProxy extends ProxyHandler.Reverse {
  public AppProxy(int appPort) {
    super(request -> target(request, appPort));
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
