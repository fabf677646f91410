package dev.mse.attestation;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The attestation library stays a library: no CLI, no server, no database. */
@AnalyzeClasses(
    packages = "dev.mse.attestation",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule noCliServerOrDatabase =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.mse.cli..", "picocli..", "org.eclipse.jetty..", "java.sql..", "javax.sql..");

  @ArchTest
  static final ArchRule parsersDoNotDependOnTheVerifier =
      noClasses()
          .that()
          .resideInAnyPackage(
              "dev.mse.attestation.quote..",
              "dev.mse.attestation.collateral..",
              "dev.mse.attestation.pck..",
              "dev.mse.attestation.codec..",
              "dev.mse.attestation.nitro..",
              "dev.mse.attestation.snp..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.mse.attestation.verify..",
              "dev.mse.attestation.policy..",
              "dev.mse.attestation.sim..");

  @ArchTest
  static final ArchRule theVerifierDoesNotKnowTheSimulator =
      noClasses()
          .that()
          .resideInAnyPackage("dev.mse.attestation.verify..", "dev.mse.attestation.trust..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.mse.attestation.sim..");
}
