package dev.mse.protocol;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The protocol is the bytes parties exchange, shared by the runtime, the operator and the CLI: it
 * depends on none of them and runs no server.
 */
@AnalyzeClasses(packages = "dev.mse.protocol", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule noPartyAbove =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.mse.operator..", "dev.mse.cli..", "dev.mse.enclave..", "picocli..");

  @ArchTest
  static final ArchRule noServer =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.eclipse.jetty..",
              "com.sun.net.httpserver..",
              "io.netty..",
              "io.undertow..",
              "org.apache.catalina..",
              "jakarta.servlet..",
              "javax.servlet..",
              "java.sql..",
              "javax.sql..");
}
