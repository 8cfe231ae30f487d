package io.zabtx.coordinator;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
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
 * Keeps the transaction engine ({@code io.zabtx.coordinator.engine}) and the value types it works
 * on ({@code io.zabtx.coordinator.model}) pure and deterministic, so that one seed replays a whole
 * simulated run of coordinators and participants (DESIGN.md §3.1a): no threads or concurrency
 * utilities, no wall clock, no unseeded randomness, no file or network I/O, and none of the outer
 * layers (gRPC, Spring, protobuf, the runtime, the log, the APIs). Time and results come in through
 * the engine's methods; what must happen goes out as commands.
 */
@AnalyzeClasses(
    packages = "io.zabtx.coordinator",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  private static final String[] PURE = {
    "io.zabtx.coordinator.engine..", "io.zabtx.coordinator.model.."
  };

  @ArchTest
  static final ArchRule pure_packages_use_no_threads_or_concurrency =
      noClasses()
          .that()
          .resideInAnyPackage(PURE)
          .should()
          .dependOnClassesThat()
          .areAssignableTo(Thread.class)
          .orShould()
          .dependOnClassesThat()
          .resideInAPackage("java.util.concurrent..")
          .because("one runtime thread drives the engine; a simulator must own all scheduling");

  @ArchTest
  static final ArchRule pure_packages_do_not_read_the_clock =
      noClasses()
          .that()
          .resideInAnyPackage(PURE)
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
  static final ArchRule pure_packages_use_no_unseeded_randomness =
      noClasses()
          .that()
          .resideInAnyPackage(PURE)
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
  static final ArchRule pure_packages_do_no_io =
      noClasses()
          .that()
          .resideInAnyPackage(PURE)
          .should()
          .dependOnClassesThat()
          .haveNameMatching("java\\.io\\.(File.*|RandomAccessFile)")
          .orShould()
          .dependOnClassesThat()
          .resideInAnyPackage("java.nio.file..", "java.nio.channels..", "java.net..")
          .because("participants and the decision log are reached only through commands");

  @ArchTest
  static final ArchRule pure_packages_do_not_depend_on_outer_layers =
      noClasses()
          .that()
          .resideInAnyPackage(PURE)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.grpc..", "org.springframework..", "com.google.protobuf..")
          .orShould()
          .dependOnClassesThat(otherCoordinatorPackages())
          .because("the runtime, log, participant gateway and APIs depend on the engine, not back");

  /** Classes of io.zabtx.coordinator outside engine and model (the application class included). */
  private static DescribedPredicate<com.tngtech.archunit.core.domain.JavaClass>
      otherCoordinatorPackages() {
    return describe(
        "are in io.zabtx.coordinator but not in its engine or model package",
        c -> {
          String p = c.getPackageName();
          return (p.equals("io.zabtx.coordinator") || p.startsWith("io.zabtx.coordinator."))
              && !p.startsWith("io.zabtx.coordinator.engine")
              && !p.startsWith("io.zabtx.coordinator.model");
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
