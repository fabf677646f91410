package com.example.quarkus;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * A Quarkus REST app with no TLS code: inside an mse enclave the runtime sets the
 * quarkus.http.ssl.* properties before main runs, and Quarkus serves HTTPS (and HTTP/2) with the
 * enclave's certificate.
 */
@Path("/")
public class Hello {

  @GET
  @Produces(MediaType.TEXT_PLAIN)
  public String hello() {
    return "Hello from Quarkus, running in a TEE!\n";
  }

  /** The healthcheck that mse polls (healthcheck_endpoint in mse.toml). */
  @GET
  @Path("health")
  @Produces(MediaType.TEXT_PLAIN)
  public String health() {
    return "OK\n";
  }
}
