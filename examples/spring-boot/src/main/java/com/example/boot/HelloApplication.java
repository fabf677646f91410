package com.example.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * A Spring Boot web app with no TLS code: inside an mse enclave the runtime sets the server.ssl.*
 * properties before this main runs, and Tomcat serves HTTPS (and HTTP/2) with the enclave's
 * certificate.
 */
@SpringBootApplication
public class HelloApplication {

  public static void main(String[] args) {
    SpringApplication.run(HelloApplication.class, args);
  }

  /** The hello page and the healthcheck that mse polls (healthcheck_endpoint in mse.toml). */
  @RestController
  public static class Hello {
    @GetMapping("/")
    public String hello() {
      return "Hello from Spring Boot, running in a TEE!\n";
    }

    @GetMapping("/health")
    public String health() {
      return "OK\n";
    }
  }

  /** A WebSocket at /echo that sends every text message back. */
  @Configuration
  @EnableWebSocket
  public static class Echo implements WebSocketConfigurer {
    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
      registry.addHandler(
          new TextWebSocketHandler() {
            @Override
            protected void handleTextMessage(WebSocketSession session, TextMessage message)
                throws Exception {
              session.sendMessage(new TextMessage(message.getPayload()));
            }
          },
          "/echo");
    }
  }
}
