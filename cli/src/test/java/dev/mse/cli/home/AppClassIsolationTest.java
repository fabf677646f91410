package dev.mse.cli.home;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the app can reach of the runtime from inside its JVM, tried by the app itself: a real
 * runtime process (the built distribution, started by {@code mse home spawn} as always) runs an app
 * whose main class first tries to load the runtime's classes and libraries through every class
 * loader it holds, reads the launcher's fields by reflection (where an {@code Instrumentation} left
 * behind would let it add to any class path), and then starts the scaffolded app. The runtime
 * writes what it found to its log.
 */
class AppClassIsolationTest {
  private static final String PROBE =
      """
      package com.example.probe;

      public final class Probe {
        public static void main(String[] args) throws Exception {
          ClassLoader system = ClassLoader.getSystemClassLoader();
          ClassLoader[] loaders = {
            system, Probe.class.getClassLoader(), Thread.currentThread().getContextClassLoader()
          };
          for (String name : %s) {
            for (ClassLoader loader : loaders) {
              boolean seen;
              try {
                Class.forName(name, false, loader);
                seen = true;
              } catch (ClassNotFoundException e) {
                seen = false;
              }
              seen |= loader.getResource(name.replace('.', '/') + ".class") != null;
              System.out.println("probe: " + name + (seen ? " VISIBLE" : " hidden"));
            }
          }
          System.out.println("probe: own loader is the system loader: "
              + (Probe.class.getClassLoader() == system && loaders[2] == system));
          Class<?> launcher = Class.forName("dev.mse.enclave.launcher.RuntimeLauncher", true, system);
          for (var field : launcher.getDeclaredFields()) {
            field.setAccessible(true);
            System.out.println("probe: launcher field " + field.getName() + " = " + field.get(null));
          }
          App.main(args);
        }
      }
      """;

  /** The runtime's own classes, and one class of each of its libraries. */
  private static final List<String> RUNTIME_CLASSES =
      List.of(
          "dev.mse.enclave.runtime.RuntimeMain",
          "dev.mse.enclave.app.AppLauncher",
          "dev.mse.protocol.pkg.PackageKey",
          "dev.mse.attestation.ratls.AttestationClaims",
          "org.eclipse.jetty.server.Server",
          "org.bouncycastle.asn1.x509.AlgorithmIdentifier",
          "tools.jackson.databind.json.JsonMapper",
          "org.slf4j.LoggerFactory",
          "ch.qos.logback.classic.Logger");

  @TempDir Path work;

  @Test
  void theAppSeesItsJarsOnTheSystemClassLoaderAndNothingOfTheRuntime() throws Exception {
    assumeTrue(
        HomeFlow.runtimeBuilt(),
        "no runtime distribution: build it with ./mvnw package -pl enclave -am");
    String names = "new String[] {\"" + String.join("\", \"", RUNTIME_CLASSES) + "\"}";
    try (HomeFlow flow = new HomeFlow(work, "probe", project -> addProbe(project, names))) {
      flow.spawn("probe", HomeFlow.freePort());
      flow.verifySealAndRun("probe");
      List<String> probed =
          Files.readAllLines(flow.node("probe").resolve("runtime.log")).stream()
              .filter(line -> line.startsWith("probe: "))
              .toList();

      assertThat(probed)
          .as("three loaders tried for each class")
          .hasSize(3 * RUNTIME_CLASSES.size() + 2);
      assertThat(probed).noneMatch(line -> line.endsWith(" VISIBLE"));
      assertThat(probed)
          .contains("probe: own loader is the system loader: true")
          .contains("probe: launcher field instrumentation = null");
    }
  }

  private static void addProbe(Path project, String names) throws java.io.IOException {
    Files.writeString(
        project.resolve("src/main/java/com/example/probe/Probe.java"), PROBE.formatted(names));
    Path toml = project.resolve("mse.toml");
    String config = Files.readString(toml);
    assertThat(config).contains("\"com.example.probe.App\"");
    Files.writeString(
        toml, config.replace("\"com.example.probe.App\"", "\"com.example.probe.Probe\""));
  }
}
