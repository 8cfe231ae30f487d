package io.zabtx.participant.client;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The client works without Spring or a servlet container: neither may leak into it. */
@AnalyzeClasses(
    packages = "io.zabtx.participant.client",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ClientPackageRulesTest {

  @ArchTest
  static final ArchRule client_needs_no_spring_or_servlet =
      noClasses()
          .that()
          .resideInAPackage("io.zabtx.participant.client..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.springframework..",
              "org.aopalliance..",
              "jakarta.servlet..",
              "io.zabtx.coordinator..")
          .because("DtxClient and the template are plain Java; Spring adapters live in annotation");
}
