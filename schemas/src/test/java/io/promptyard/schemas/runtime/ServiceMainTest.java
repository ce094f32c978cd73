package io.promptyard.schemas.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.config.ConfigException;
import io.promptyard.schemas.config.ConfigKey;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * What {@code java -jar promptyard-SERVICE.jar} says for --help, a bad setting and a failed start.
 */
class ServiceMainTest {

  private static final ConfigKey OWN =
      new ConfigKey("PROMPTYARD_DEMO_THREADS", "4", "threads of the demo service");

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Map<String, String> env, ServiceMain.Body body, String... args) {
    return ServiceMain.run(
        "demo",
        List.of(OWN),
        args,
        env,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        body);
  }

  @Test
  void helpListsEveryEnvironmentVariableWithItsDefaultAndStartsNothing() {
    boolean[] started = {false};

    int exit = run(Map.of(), () -> started[0] = true, "--help");

    assertThat(exit).isZero();
    assertThat(started[0]).isFalse();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains(
            "Usage: java -jar promptyard-demo.jar",
            "PROMPTYARD_BOOTSTRAP_SERVERS",
            "[localhost:9092]",
            "PROMPTYARD_DEMO_THREADS",
            "threads of the demo service [4]");
  }

  @Test
  void aBadSettingEndsTheProcessWithOneLineNamingTheKey() {
    int exit =
        run(
            Map.of(),
            () -> {
              throw new ConfigException(
                  "PROMPTYARD_DEMO_THREADS=lots is not an integer: threads of the demo service");
            });

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "demo: bad configuration: PROMPTYARD_DEMO_THREADS=lots is not an integer: threads of the demo service\n");
  }

  @Test
  void aKafkaThatDoesNotAnswerIsNamedWithTheAddressTried() {
    int exit =
        run(
            Map.of("PROMPTYARD_BOOTSTRAP_SERVERS", "kafka-9:9092"),
            () -> {
              throw new IllegalStateException(
                  "could not create topics [x]: null", new TimeoutException());
            });

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "demo: could not start: Kafka at kafka-9:9092 did not answer in time; "
                + "check PROMPTYARD_BOOTSTRAP_SERVERS and that the brokers are up\n");
  }

  @Test
  void aServiceWhoseLoopFailsWhileRunningIsClosedAndEndsTheProcessWithStatusOne() {
    ServiceFailure failure = new ServiceFailure("demo");
    boolean[] closed = {false};
    Thread loop =
        Thread.ofPlatform()
            .name("demo-loop")
            .unstarted(
                failure.watch(
                    "demo-loop",
                    () -> {
                      throw new IllegalStateException("consumer in a state it cannot leave");
                    },
                    () -> false));

    int exit =
        run(
            Map.of(),
            () -> {
              loop.start();
              Services.runUntilStopped("demo", () -> closed[0] = true, failure);
            });

    assertThat(exit).isEqualTo(1);
    assertThat(closed[0]).isTrue();
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "demo: loop demo-loop failed: java.lang.IllegalStateException: "
                + "consumer in a state it cannot leave; the service stops so that its supervisor restarts it\n");
  }

  @Test
  void aLoopThatReturnsWhileTheServiceRunsIsAFailureAndOneThatReturnsWhileStoppingIsNot() {
    ServiceFailure running = new ServiceFailure("demo");
    running.watch("quiet-loop", () -> {}, () -> false).run();
    ServiceFailure stopping = new ServiceFailure("demo");
    stopping.watch("quiet-loop", () -> {}, () -> true).run();

    assertThat(running.failure())
        .hasValueSatisfying(
            e ->
                assertThat(e)
                    .hasMessageContaining("loop quiet-loop failed")
                    .hasMessageContaining("returned while the service was running"));
    assertThat(stopping.failure()).isEmpty();
  }

  @Test
  void argumentsAreRefusedBecauseConfigurationComesFromTheEnvironment() {
    assertThat(run(Map.of(), () -> {}, "--threads=4")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("demo: takes no arguments");
  }
}
