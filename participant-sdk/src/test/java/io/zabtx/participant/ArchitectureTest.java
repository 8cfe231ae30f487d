package io.zabtx.participant;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Keeps the branch engine ({@code io.zabtx.participant.branch}) pure and deterministic, so that it
 * can run with the coordinator's engine and the ZAB core in one seeded simulation (DESIGN.md §3.1a,
 * §4.1): no threads or concurrency utilities, no wall clock, no unseeded randomness, no file,
 * network or JDBC I/O, and none of the outer layers (gRPC, Spring, protobuf, the SDK's runtime).
 */
@AnalyzeClasses(
    packages = "io.zabtx.participant",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  private static final String PURE = "io.zabtx.participant.branch..";

  @ArchTest
  static final ArchRule branch_engine_uses_no_threads_or_concurrency =
      noClasses()
          .that()
          .resideInAPackage(PURE)
          .should()
          .dependOnClassesThat()
          .areAssignableTo(Thread.class)
          .orShould()
          .dependOnClassesThat()
          .resideInAPackage("java.util.concurrent..")
          .because("one runtime thread drives the engine; a simulator must own all scheduling");

  @ArchTest
  static final ArchRule branch_engine_does_not_read_the_clock =
      noClasses()
          .that()
          .resideInAPackage(PURE)
          .should()
          .callMethod(System.class, "currentTimeMillis")
          .orShould()
          .callMethod(System.class, "nanoTime")
          .orShould()
          .dependOnClassesThat()
          .areAssignableTo(Clock.class)
          .orShould()
          .callMethodWhere(javaTimeNow())
          .because("time comes in as the 'now' argument of every engine method");

  @ArchTest
  static final ArchRule branch_engine_uses_no_unseeded_randomness =
      noClasses()
          .that()
          .resideInAPackage(PURE)
          .should()
          .dependOnClassesThat()
          .areAssignableTo(Random.class)
          .orShould()
          .dependOnClassesThat()
          .areAssignableTo(SplittableRandom.class)
          .orShould()
          .dependOnClassesThat()
          .areAssignableTo(SecureRandom.class)
          .orShould()
          .callMethod(Math.class, "random")
          .orShould()
          .callMethod(UUID.class, "randomUUID")
          .because("the engine is deterministic: the same events give the same commands");

  @ArchTest
  static final ArchRule branch_engine_does_no_io =
      noClasses()
          .that()
          .resideInAPackage(PURE)
          .should()
          .dependOnClassesThat()
          .haveNameMatching("java\\.io\\.(File.*|RandomAccessFile)")
          .orShould()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "java.nio.file..", "java.nio.channels..", "java.net..", "java.sql..", "javax.sql..")
          .because("the database and the cluster are reached only through commands");

  @ArchTest
  static final ArchRule branch_engine_does_not_depend_on_outer_layers =
      noClasses()
          .that()
          .resideInAPackage(PURE)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.grpc..", "org.springframework..", "com.google.protobuf..", "io.zabtx.protocol..")
          .orShould()
          .dependOnClassesThat(otherParticipantPackages())
          .because("the JDBC wrapper, gRPC endpoint and sweeper depend on the engine, not back");

  /** Classes of io.zabtx.participant outside the branch package. */
  private static DescribedPredicate<JavaClass> otherParticipantPackages() {
    return describe(
        "are in io.zabtx.participant but not in its branch package",
        c -> {
          String p = c.getPackageName();
          return (p.equals("io.zabtx.participant") || p.startsWith("io.zabtx.participant."))
              && !p.startsWith("io.zabtx.participant.branch");
        });
  }

  /** {@code now(..)} on any {@code java.time} type ({@code Instant}, {@code LocalDateTime} ...). */
  private static DescribedPredicate<JavaMethodCall> javaTimeNow() {
    return describe(
        "java.time.*.now()",
        call ->
            call.getTarget().getName().equals("now")
                && call.getTarget().getOwner().getPackageName().equals("java.time"));
  }
}
