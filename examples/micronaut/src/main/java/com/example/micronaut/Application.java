package com.example.micronaut;

import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import io.micronaut.runtime.Micronaut;

/**
 * A Micronaut web app with no TLS code: inside an mse enclave the runtime sets the
 * micronaut.server.ssl.* properties and a PEM certificate provider before main runs, and Netty
 * serves HTTPS (and HTTP/2) with the enclave's certificate.
 */
@Controller
public class Application {
  public static void main(String[] args) {
    Micronaut.run(Application.class, args);
  }

  @Get
  @Produces(MediaType.TEXT_PLAIN)
  public String hello() {
    return "Hello from Micronaut, running in a TEE!\n";
  }

  /** The healthcheck that mse polls (healthcheck_endpoint in mse.toml). */
  @Get("/health")
  @Produces(MediaType.TEXT_PLAIN)
  public String health() {
    return "OK\n";
  }
}
