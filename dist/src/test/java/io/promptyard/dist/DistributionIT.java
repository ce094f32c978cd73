package io.promptyard.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball as a user installs it: unpacked in an empty directory, run with nothing but a JDK on
 * the path and a home without a Maven repository, away from the source tree.
 */
class DistributionIT {

  private static final String VERSION = System.getProperty("promptyard.version");

  @TempDir static Path scratch;
  private static Path installed;

  @BeforeAll
  static void unpack() throws Exception {
    Path tarball = Path.of("target", "promptyard-" + VERSION + ".tar.gz");
    assertThat(tarball).as("built by the package phase").isRegularFile();
    Path into = Files.createDirectories(scratch.resolve("opt"));
    Result untar = run(into, List.of("tar", "-xzf", tarball.toAbsolutePath().toString()), 60);
    assertThat(untar.exit()).as(untar.output()).isZero();
    installed = into.resolve("promptyard-" + VERSION);
  }

  @Test
  void theTarballHoldsTheCommandItsLibrariesAndTheExamplesAndNoBuildTools() throws IOException {
    assertThat(installed.resolve("bin/promptyard")).isExecutable();
    assertThat(installed.resolve("lib")).isDirectoryContaining("glob:**/cli-" + VERSION + ".jar");
    assertThat(installed.resolve("lib")).isDirectoryContaining("glob:**/dev-" + VERSION + ".jar");
    assertThat(installed.resolve("examples/batch.jsonl")).isRegularFile();
    assertThat(installed.resolve("LICENSE")).isRegularFile();
    try (Stream<Path> all = Files.walk(installed)) {
      assertThat(all.map(p -> p.getFileName().toString()))
          .doesNotContain("mvnw", "pom.xml", ".mvn")
          .noneMatch(name -> name.startsWith("bench-") || name.startsWith("junit"));
    }
  }

  @Test
  void versionComesFromTheBuild() throws Exception {
    Result version = run(installed, List.of("bin/promptyard", "--version"), 60);

    assertThat(version.exit()).as(version.output()).isZero();
    assertThat(version.output()).contains("promptyard " + VERSION);
  }

  @Test
  void devRunsTheExampleBatchFromTheUnpackedDirectory() throws Exception {
    Result dev = run(installed, List.of("bin/promptyard", "dev", "--latency-ms", "0"), 240);

    assertThat(dev.exit()).as(dev.output()).isZero();
    assertThat(dev.output()).contains("TOTAL");
    assertThat(Files.readAllLines(installed.resolve("promptyard-results.jsonl")))
        .hasSameSizeAs(Files.readAllLines(installed.resolve("examples/batch.jsonl")));
  }

  @Test
  void benchSaysWhereTheBenchmarksAre() throws Exception {
    Result bench = run(installed, List.of("bin/promptyard", "bench", "list"), 60);

    assertThat(bench.exit()).isEqualTo(2);
    assertThat(bench.output()).contains("source checkout");
  }

  private record Result(int exit, String output) {}

  /**
   * Runs {@code command} in {@code dir} with a bare environment: the JDK running this test as
   * JAVA_HOME, the system's PATH entries only, and an empty home (no ~/.m2).
   */
  private static Result run(Path dir, List<String> command, int timeoutSeconds)
      throws IOException, InterruptedException {
    Path home = Files.createDirectories(scratch.resolve("home"));
    Path output = Files.createTempFile(scratch, "output", ".txt");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    Map<String, String> env = builder.environment();
    env.clear();
    env.put("PATH", "/usr/bin:/bin");
    env.put("HOME", home.toString());
    env.put("JAVA_HOME", System.getProperty("java.home"));
    Process process = builder.start();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError(
          command + " did not end within " + timeoutSeconds + " s:\n" + Files.readString(output));
    }
    return new Result(process.exitValue(), Files.readString(output));
  }
}
