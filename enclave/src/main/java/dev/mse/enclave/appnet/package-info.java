/**
 * The app's network inside the runtime's JVM. The runtime installs {@link
 * dev.mse.enclave.appnet.AppNetProvider} as the JVM's {@link
 * java.nio.channels.spi.SelectorProvider}; when the app binds the port it was given ({@code $PORT})
 * through NIO, as the JDK's {@code HttpServer}, Jetty, Tomcat, Undertow and Netty's NIO transport
 * do (all five tested behind the front: AppRelayInMemoryTest, AppServersRelayTest), the front hands
 * it client connections in memory ({@link dev.mse.enclave.appnet.FrontConnection}) instead of over
 * a loopback socket: decrypted bytes never leave the JVM (under SGX, loopback traffic crosses the
 * untrusted host), and a request costs no extra system calls. Every other channel is the JDK's own.
 */
package dev.mse.enclave.appnet;
