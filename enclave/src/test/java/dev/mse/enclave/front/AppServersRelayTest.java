package dev.mse.enclave.front;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.enclave.appnet.AppPorts;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpVersion;
import io.undertow.Undertow;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.Headers;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The relay with apps on the servers JVM web apps are built on (Jetty, Tomcat, Undertow, Netty),
 * each taking its port in memory through the app network. Unlike the JDK's {@code HttpServer},
 * which registers its connection anew for every request, these register an accepted connection once
 * and change its interest afterwards (Jetty and Netty with none at first): the app's selector must
 * start and stop watching the client's socket as that interest and the relay's state change, on a
 * key that stays. Each app answers {@code /big} with {@link #BIG}, anything else with "path query
 * body".
 */
class AppServersRelayTest {
  private static final byte[] BIG = new byte[6 * 1024 * 1024];

  static {
    Random random = new Random(11);
    for (int i = 0; i < BIG.length; i++) {
      BIG[i] = (byte) ('a' + random.nextInt(26));
    }
  }

  /** An app server, started on a port and stopped. */
  enum Kind {
    JETTY,
    TOMCAT,
    NETTY,
    UNDERTOW;

    App start(int port) throws Exception {
      return switch (this) {
        case JETTY -> jetty(port);
        case TOMCAT -> tomcat(port);
        case NETTY -> netty(port);
        case UNDERTOW -> undertow(port);
      };
    }
  }

  interface App extends AutoCloseable {
    @Override
    void close() throws Exception;
  }

  private final SelfSigned tls = new SelfSigned();
  private int appPort;
  private App app;
  private TlsFront front;
  private final FrontMetrics metrics = new FrontMetrics();

  AppServersRelayTest() throws Exception {}

  private void start(Kind kind) throws Exception {
    appPort = freePort();
    AppPorts.expect(appPort);
    app = kind.start(appPort);
    assertThat(AppPorts.taken(appPort)).as("%s took its port in memory", kind).isTrue();
    front = front(appPort, metrics);
  }

  @AfterEach
  void stop() throws Exception {
    if (front != null) {
      front.close();
    }
    if (app != null) {
      app.close();
    }
    AppPorts.forget(appPort);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void keepAliveRequestsAreAnsweredOneAfterAnother(Kind kind) throws Exception {
    start(kind);
    // RawHttp gives up after 10 s: a connection nobody watches would wait for the idle timeout.
    try (RawHttp http = new RawHttp(tls.clientContext(), front.port())) {
      for (int i = 0; i < 20; i++) {
        RawHttp.Response r = http.get1("/hello?n=" + i);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("/hello n=" + i + " ");
      }
    }
    // The app's selector pulled them: the relay read the connection's TLS itself.
    assertThat(metrics.directTlsConnections()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void largeResponsesThatWaitForTheClientLeaveTheConnectionUsable(Kind kind) throws Exception {
    start(kind);
    try (RawHttp http = new RawHttp(tls.clientContext(), front.port())) {
      assertThat(http.get1("/first").status()).isEqualTo(200);
      for (int i = 0; i < 3; i++) {
        // Both requests at once: the second waits behind a response the client reads late.
        http.send(RawHttp.get("/big"), RawHttp.get("/after?n=" + i));
        Thread.sleep(200);
        RawHttp.Response big = http.read();
        assertThat(big.body().equals(new String(BIG, StandardCharsets.US_ASCII)))
            .as("the whole large body, in order")
            .isTrue();
        assertThat(http.read().body()).isEqualTo("/after n=" + i + " ");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aBodyThatComesLaterOnAKeptConnectionReachesTheApp(Kind kind) throws Exception {
    start(kind);
    try (RawHttp http = new RawHttp(tls.clientContext(), front.port())) {
      assertThat(http.get1("/first").status()).isEqualTo(200);
      assertThat(http.get1("/second").status()).isEqualTo(200);
      http.send("POST /late?x=1 HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\nhello");
      Thread.sleep(300);
      http.send(" mse");
      Thread.sleep(300);
      http.send("!");
      RawHttp.Response r = http.read();
      assertThat(r.body()).isEqualTo("/late x=1 hello mse!");
      assertThat(http.get1("/after").body()).isEqualTo("/after null ");
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void http2ClientsReachTheAppThroughTheProxyInMemory(Kind kind) throws Exception {
    start(kind);
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(tls.clientContext())
            .version(HttpClient.Version.HTTP_2)
            .build();
    URI base = URI.create("https://localhost:" + front.port());
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(base.resolve("/h2?n=" + i))
                  .POST(HttpRequest.BodyPublishers.ofString("body " + i))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(r.body()).isEqualTo("/h2 n=" + i + " body " + i);
    }
    HttpResponse<String> big =
        client.send(
            HttpRequest.newBuilder(base.resolve("/big")).build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.US_ASCII));
    assertThat(big.body().equals(new String(BIG, StandardCharsets.US_ASCII)))
        .as("the whole large body, in order")
        .isTrue();
  }

  @Test
  void anUpgradeTheAppAcceptsTurnsTheConnectionIntoATunnel() throws Exception {
    start(Kind.NETTY);
    try (RawHttp http = new RawHttp(tls.clientContext(), front.port())) {
      assertThat(http.get1("/first").status()).isEqualTo(200);
      http.send(
          "GET /tunnel HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n");
      RawHttp.Response switching = http.read(true);
      assertThat(switching.status()).isEqualTo(101);
      // Opaque from here: even what reads as a request for the runtime's path is the app's.
      for (String bytes :
          List.of(
              "ping\n",
              "GET /.well-known/mse/status HTTP/1.1\r\nHost: localhost\r\n\r\n",
              "x".repeat(100_000))) {
        http.send(bytes);
        byte[] echoed = http.socket.getInputStream().readNBytes(bytes.length());
        assertThat(new String(echoed, StandardCharsets.ISO_8859_1).equals(bytes))
            .as("echoed: %s", bytes.substring(0, Math.min(20, bytes.length())))
            .isTrue();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void theAppsPortStillAnswersOverLoopback(Kind kind) throws Exception {
    start(kind);
    // Health checks and the app's calls to itself: plain TCP to the port it bound.
    for (int i = 0; i < 3; i++) {
      try (Socket socket = new Socket("127.0.0.1", appPort)) {
        socket.setSoTimeout(10_000);
        socket
            .getOutputStream()
            .write(
                ("GET /loop?n=" + i + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        String answer =
            new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(answer).startsWith("HTTP/1.1 200").endsWith("/loop n=" + i + " ");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aConnectionOpenedBeforeTheAppTookItsPortIsServedOnceItRuns(Kind kind) throws Exception {
    appPort = freePort();
    AppPorts.expect(appPort);
    front = front(appPort, metrics);
    try (RawHttp http = new RawHttp(tls.clientContext(), front.port())) {
      // The connection's relay starts reading on a thread of its own (no app in memory yet) once
      // the server has the client's Finished, a moment after the client's handshake returned.
      Thread.sleep(300);
      app = kind.start(appPort);
      for (int i = 0; i < 10; i++) {
        assertThat(http.get1("/late?n=" + i).body()).isEqualTo("/late n=" + i + " ");
      }
    }
    // That thread kept reading, with Jetty's TLS: the app never pulled from under it.
    assertThat(metrics.directTlsConnections()).isZero();
  }

  private static int freePort() throws IOException {
    try (ServerSocket free = new ServerSocket(0)) {
      return free.getLocalPort();
    }
  }

  private TlsFront front(int port, FrontMetrics counted) throws Exception {
    return TlsFront.start(
        "127.0.0.1",
        0,
        new SwitchableKeyManager(tls.identity),
        new AppProxy(port),
        Optional.of(new AppRoute(port, () -> true)),
        counted);
  }

  /** What every app answers: {@link #BIG} for {@code /big}, else "path query body". */
  private static byte[] answer(String path, String query, byte[] body) {
    if (path.equals("/big")) {
      return BIG;
    }
    return (path + " " + query + " " + new String(body, StandardCharsets.UTF_8))
        .getBytes(StandardCharsets.UTF_8);
  }

  private static App jetty(int port) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback)
              throws Exception {
            ByteBuffer in = Content.Source.asByteBuffer(request);
            byte[] body = new byte[in.remaining()];
            in.get(body);
            byte[] out =
                answer(Request.getPathInContext(request), request.getHttpURI().getQuery(), body);
            response.getHeaders().put("Content-Length", out.length);
            response.write(true, ByteBuffer.wrap(out), callback);
            return true;
          }
        });
    server.start();
    return server::stop;
  }

  private static App tomcat(int port) throws Exception {
    Path base = Files.createTempDirectory("tomcat");
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(base.toString());
    Connector connector = new Connector("HTTP/1.1");
    connector.setPort(port);
    connector.setProperty("address", "127.0.0.1");
    tomcat.getService().addConnector(connector);
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", base.toString());
    Tomcat.addServlet(
        context,
        "app",
        new HttpServlet() {
          @Override
          protected void service(HttpServletRequest request, HttpServletResponse response)
              throws IOException {
            byte[] body = request.getInputStream().readAllBytes();
            byte[] out = answer(request.getRequestURI(), request.getQueryString(), body);
            response.setContentLength(out.length);
            response.getOutputStream().write(out);
          }
        });
    context.addServletMappingDecoded("/*", "app");
    tomcat.start();
    return () -> {
      tomcat.stop();
      tomcat.destroy();
    };
  }

  private static App netty(int port) throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    var channel =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast("codec", new HttpServerCodec())
                        // Closes after answering "Connection: close", as the other servers do.
                        .addLast("keep-alive", new HttpServerKeepAliveHandler())
                        .addLast("aggregator", new HttpObjectAggregator(1 << 20))
                        .addLast(
                            new SimpleChannelInboundHandler<FullHttpRequest>() {
                              @Override
                              protected void channelRead0(
                                  ChannelHandlerContext ctx, FullHttpRequest request) {
                                if ("echo".equals(request.headers().get(HttpHeaderNames.UPGRADE))) {
                                  switchToEcho(ctx, this);
                                  return;
                                }
                                URI uri = URI.create(request.uri());
                                byte[] body = new byte[request.content().readableBytes()];
                                request.content().readBytes(body);
                                byte[] out = answer(uri.getPath(), uri.getRawQuery(), body);
                                FullHttpResponse response =
                                    new DefaultFullHttpResponse(
                                        HttpVersion.HTTP_1_1,
                                        HttpResponseStatus.OK,
                                        Unpooled.wrappedBuffer(out));
                                response.headers().set(HttpHeaderNames.CONTENT_LENGTH, out.length);
                                ctx.writeAndFlush(response);
                              }
                            });
                  }
                })
            .bind("127.0.0.1", port)
            .sync()
            .channel();
    return () -> {
      channel.close().sync();
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
    };
  }

  /** Answers 101 and echoes every byte from then on: a protocol of its own after HTTP. */
  private static void switchToEcho(ChannelHandlerContext ctx, ChannelHandler http) {
    FullHttpResponse switching =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
    switching.headers().set(HttpHeaderNames.UPGRADE, "echo");
    switching.headers().set(HttpHeaderNames.CONNECTION, "Upgrade");
    ctx.writeAndFlush(switching)
        .addListener(
            written -> {
              ctx.pipeline().remove("aggregator");
              ctx.pipeline().remove("keep-alive");
              ctx.pipeline().remove("codec");
              ctx.pipeline()
                  .replace(
                      http,
                      "echo",
                      new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext echo, Object bytes) {
                          echo.writeAndFlush(bytes);
                        }
                      });
            });
  }

  private static App undertow(int port) {
    Undertow server =
        Undertow.builder()
            .addHttpListener(port, "127.0.0.1")
            .setHandler(
                new BlockingHandler(
                    exchange -> {
                      byte[] body = exchange.getInputStream().readAllBytes();
                      String query = exchange.getQueryString();
                      byte[] out =
                          answer(exchange.getRequestPath(), query.isEmpty() ? null : query, body);
                      exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, out.length);
                      exchange.getOutputStream().write(out);
                    }))
            .build();
    server.start();
    return server::stop;
  }
}
