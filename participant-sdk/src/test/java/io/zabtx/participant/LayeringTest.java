package io.zabtx.participant;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Keeps the SDK's packages layered one way (docs/participant-sdk.md, "Package map"): the pure
 * branch engine and the undo machinery at the bottom, the store and the DataSource wrapper above
 * them, the runtime above those, the client side apart, and Spring only at the edges, so that an
 * application without Spring can use every feature through plain builders.
 */
@AnalyzeClasses(
    packages = "io.zabtx.participant",
    importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

  private static final String ROOT = "io.zabtx.participant";

  @ArchTest
  static final ArchRule context_depends_on_no_other_sdk_package =
      noClasses()
          .that()
          .resideInAPackage(ROOT + ".context..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              ROOT + ".branch..",
              ROOT + ".undo..",
              ROOT + ".store..",
              ROOT + ".jdbc..",
              ROOT + ".runtime..",
              ROOT + ".client..",
              ROOT + ".annotation..",
              ROOT + ".propagation..",
              ROOT + ".spring..")
          .because("every layer reads the bound xid; the binding itself knows none of them");

  @ArchTest
  static final ArchRule undo_knows_nothing_of_branches_or_runtime =
      noClasses()
          .that()
          .resideInAPackage(ROOT + ".undo..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              ROOT + ".branch..",
              ROOT + ".store..",
              ROOT + ".jdbc..",
              ROOT + ".runtime..",
              ROOT + ".client..",
              ROOT + ".spring..")
          .because("statement analysis, images and rollback are plain JDBC over one connection");

  @ArchTest
  static final ArchRule store_and_jdbc_do_not_reach_up =
      noClasses()
          .that()
          .resideInAnyPackage(ROOT + ".store..", ROOT + ".jdbc..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              ROOT + ".runtime..",
              ROOT + ".client..",
              ROOT + ".annotation..",
              ROOT + ".propagation..",
              ROOT + ".spring..")
          .orShould()
          .dependOnClassesThat()
          .resideInAnyPackage("io.grpc..", "org.springframework..")
          .because("the wrapper reaches the runtime only through BranchGate");

  @ArchTest
  static final ArchRule runtime_does_not_depend_on_the_client_side =
      noClasses()
          .that()
          .resideInAPackage(ROOT + ".runtime..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              ROOT + ".client..",
              ROOT + ".annotation..",
              ROOT + ".propagation..",
              ROOT + ".spring..")
          .orShould()
          .dependOnClassesThat()
          .resideInAPackage("org.springframework..")
          .because("a participant serves phase messages whether or not it starts transactions");

  @ArchTest
  static final ArchRule client_side_is_apart_from_the_branch_side =
      noClasses()
          .that()
          .resideInAnyPackage(ROOT + ".client..", ROOT + ".propagation..", ROOT + ".annotation..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              ROOT + ".branch..",
              ROOT + ".undo..",
              ROOT + ".store..",
              ROOT + ".jdbc..",
              ROOT + ".runtime..",
              ROOT + ".spring..")
          .because("a service that only starts transactions needs none of the branch machinery");

  @ArchTest
  static final ArchRule client_has_no_spring =
      noClasses()
          .that()
          .resideInAPackage(ROOT + ".client..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.springframework..")
          .because("DtxClient and GlobalTransactionTemplate work without Spring");
}
