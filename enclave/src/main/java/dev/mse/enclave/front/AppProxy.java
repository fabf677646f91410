package dev.mse.enclave.front;

import dev.mse.enclave.appnet.AppPorts;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;

/**
 * Forwards requests, bodies streamed both ways, to the app: in memory when the app took its port
 * through NIO ({@link InMemoryTransport}), else on its loopback port. The app speaks plain
 * HTTP/1.1; the TLS that protects users ends at the front.
 */
public final class AppProxy extends ProxyHandler.Reverse {
  private final int appPort;
  private final InMemoryTransport inMemory;

  public AppProxy(int appPort) {
    super(request -> target(request, appPort));
    // The front's pool rather than a client pool of its own (8 more idle platform threads).
    setUseServerThreadPool(true);
    this.appPort = appPort;
    this.inMemory = new InMemoryTransport(appPort);
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

  @Override
  protected org.eclipse.jetty.client.Request newProxyToServerRequest(
      Request clientToProxyRequest, HttpURI newHttpURI) {
    org.eclipse.jetty.client.Request request =
        super.newProxyToServerRequest(clientToProxyRequest, newHttpURI);
    return AppPorts.taken(appPort) ? request.transport(inMemory) : request;
  }
}
