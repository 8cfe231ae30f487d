package io.zabtx.replication;

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
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Keeps the ZAB protocol core ({@code io.zabtx.replication.core}) a pure, deterministic state
 * machine.
 *
 * <p>The deterministic simulator drives the core with a simulated clock, a simulated network and a
 * seeded random generator, and replays any failure from its seed. That only works if the core never
 * reaches around those injected inputs: no threads, locks, executors or atomics (the simulator owns
 * scheduling), no wall clock ({@code System.currentTimeMillis}, {@code System.nanoTime}, {@code
 * java.time} {@code now()}, {@code Clock}), no unseeded randomness ({@code new Random()}, {@code
 * Math.random()}, {@code ThreadLocalRandom}, {@code RandomGenerator.getDefault()} ...; a {@link
 * RandomGenerator} passed in by the caller is fine), no file, disk or network I/O, and no {@code
 * Object.wait}/{@code notify}. Time, randomness, persistence and transport reach the core only
 * through its own interfaces, implemented by the runtime, storage and transport layers, which the
 * core therefore must not depend on either.
 *
 * <p>{@code synchronized} blocks are not visible to ArchUnit and are left to review. Every rule
 * allows an empty match so that it holds before the core has any classes.
 */
@AnalyzeClasses(
    packages = "io.zabtx.replication",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  private static final String CORE = "io.zabtx.replication.core..";

  @ArchTest
  static final ArchRule core_does_not_use_threads =
      noClasses()
          .that()
          .resideInAPackage(CORE)
          .should()
          .dependOnClassesThat()
          .areAssignableTo(Thread.class)
          .orShould()
          .dependOnClassesThat()
          .areAssignableTo(ThreadGroup.class)
          .because("the simulator owns scheduling; the core is single-threaded and event driven")
          .allowEmptyShould(true);

  @ArchTest
  static final ArchRule core_does_not_use_java_util_concurrent =
      noClasses()
          .that()
          .resideInAPackage(CORE)
          .should()
          .dependOnClassesThat()
          .resideInAPackage("java.util.concurrent..")
          .because(
              "executors, locks, atomics, futures and ThreadLocalRandom make runs"
                  + " non-reproducible; concurrency belongs to the runtime layer")
          .allowEmptyShould(true);

  @ArchTest
  static final ArchRule core_does_not_wait_or_notify =
      noClasses()
          .that()
          .resideInAPackage(CORE)
          .should()
          .callMethodWhere(objectMonitorCall())
          .because("blocking on monitors is invisible to the simulator")
          .allowEmptyShould(true);

  @ArchTest
  static final ArchRule core_does_not_read_the_wall_clock =
      noClasses()
          .that()
          .resideInAPackage(CORE)
          .should()
          .callMethod(System.class, "currentTimeMillis")
          .orShould()
          .callMethod(System.class, "nanoTime")
          .orShould()
          .dependOnClassesThat()
          .areAssignableTo(Clock.class)
          .orShould()
          .callMethodWhere(javaTimeNow())
          .because("time must come from the injected (simulated) clock")
          .allowEmptyShould(true);

  @ArchTest
  static final ArchRule core_does_not_use_unseeded_randomness =
      noClasses()
          .that()
          .resideInAPackage(CORE)
          .should()
          .callConstructor(Random.class)
          .orShould()
          .callConstructor(SplittableRandom.class)
          .orShould()
          .callMethod(Math.class, "random")
          .orShould()
          .callMethod(StrictMath.class, "random")
          .orShould()
          .callMethod(UUID.class, "randomUUID")
          .orShould()
          .callMethod(RandomGenerator.class, "getDefault")
          .orShould()
          .callMethod(RandomGenerator.class, "of", String.class)
          .orShould()
          .callMethod(RandomGeneratorFactory.class, "create")
          .orShould()
          .dependOnClassesThat()
          .areAssignableTo(SecureRandom.class)
          .because("randomness must come from the RandomGenerator seeded by the simulator")
          .allowEmptyShould(true);

  @ArchTest
  static final ArchRule core_does_no_io =
      noClasses()
          .that()
          .resideInAPackage(CORE)
          .should()
          .dependOnClassesThat()
          .haveNameMatching("java\\.io\\.(File.*|RandomAccessFile)")
          .orShould()
          .dependOnClassesThat()
          .resideInAnyPackage("java.nio.file..", "java.nio.channels..", "java.net..")
          .because("persistence and transport are reached only through the core's interfaces")
          .allowEmptyShould(true);

  @ArchTest
  static final ArchRule core_does_not_depend_on_outer_layers =
      noClasses()
          .that()
          .resideInAPackage(CORE)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.zabtx..runtime..", "io.zabtx..storage..", "io.zabtx..transport..")
          .because("the runtime, storage and transport layers depend on the core, not the reverse")
          .allowEmptyShould(true);

  /**
   * {@code wait()}, {@code wait(long)}, {@code wait(long, int)}, {@code notify()} and {@code
   * notifyAll()} called through a receiver of any type: javac records the receiver's static type,
   * not {@code Object}, as the owner of the call. These signatures are final in {@code Object}, so
   * no other method can have them.
   */
  private static DescribedPredicate<JavaMethodCall> objectMonitorCall() {
    return describe(
        "Object.wait/notify/notifyAll on any receiver",
        call -> {
          String name = call.getTarget().getName();
          List<String> params =
              call.getTarget().getRawParameterTypes().stream().map(JavaClass::getName).toList();
          return switch (name) {
            case "wait" ->
                params.isEmpty()
                    || params.equals(List.of("long"))
                    || params.equals(List.of("long", "int"));
            case "notify", "notifyAll" -> params.isEmpty();
            default -> false;
          };
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
