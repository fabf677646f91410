package dev.mse.enclave;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The runtime is the trusted base: it serves with Jetty only, makes evidence but never verifies any
 * (verification is the relying parties' job), and knows nothing of the operator or the CLI.
 */
@AnalyzeClasses(packages = "dev.mse.enclave", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule noJdkHttpServer =
      noClasses().should().dependOnClassesThat().resideInAPackage("com.sun.net.httpserver..");

  @ArchTest
  static final ArchRule noVerifier =
      noClasses().should().dependOnClassesThat().resideInAPackage("dev.mse.attestation.verify..");

  @ArchTest
  static final ArchRule noOperatorOrCli =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.mse.operator..", "dev.mse.cli..", "picocli..");

  @ArchTest
  static final ArchRule noJdkInternals =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("sun..", "jdk.internal..", "com.sun.nio..");
}
