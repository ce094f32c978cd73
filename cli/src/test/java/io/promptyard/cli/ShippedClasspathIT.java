package io.promptyard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The command as {@code bin/promptyard} runs it: this module's jar on the class path the build
 * wrote for it ({@code target/runtime-classpath.txt}), in a JVM of its own. A library the command
 * needs at run time but the build scopes to the tests (snakeyaml, under the YAML catalog, once was)
 * fails here instead of in a user's terminal; the tests in this JVM would not see it.
 */
class ShippedClasspathIT {

  @Test
  void routeExplainRunsOnTheRuntimeClassPathAlone() throws Exception {
    // ../cli: this module, also when the test runs from integration-tests
    Path target = Path.of("..", "cli", "target");
    Path jar;
    try (Stream<Path> files = Files.list(target)) {
      jar =
          files
              .filter(f -> f.getFileName().toString().matches("cli-.*\\.jar"))
              .filter(f -> !f.getFileName().toString().matches(".*-(tests|sources)\\.jar"))
              .findFirst()
              .orElseThrow();
    }
    String classpath =
        jar
            + File.pathSeparator
            + Files.readString(target.resolve("runtime-classpath.txt")).strip();
    Process command =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classpath,
                Main.class.getName(),
                "route",
                "--explain",
                "../examples/route-explain.json")
            .redirectErrorStream(true)
            .start();
    String output = new String(command.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(command.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(command.exitValue()).as(output).isZero();
    assertThat(output).contains("routed to:  openai/gpt-4.1");
  }
}
