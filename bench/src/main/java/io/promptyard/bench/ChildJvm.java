package io.promptyard.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM this benchmark starts on its own class path to run one part of the pipeline (broker,
 * simulated provider, router, worker), with its standard output and error in {@code NAME.log} and
 * its GC log in {@code NAME-gc.log} under the run directory. {@link #close()} stops it (SIGTERM,
 * then SIGKILL after 15 s).
 */
final class ChildJvm implements AutoCloseable {

  private static final Duration POLL = Duration.ofMillis(200);

  private final String name;
  private final Process process;
  private final Path log;
  private final Path gcLog;

  private ChildJvm(String name, Process process, Path log, Path gcLog) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.gcLog = gcLog;
  }

  /**
   * Starts {@code mainClass} with {@code args}.
   *
   * @param jvmOptions extra options before the class name, such as {@code -Xmx512m}
   * @param environment added to this process's environment
   */
  static ChildJvm start(
      String name,
      Path runDir,
      List<String> jvmOptions,
      Map<String, String> environment,
      String mainClass,
      String... args) {
    Path log = runDir.resolve(name + ".log");
    Path gcLog = runDir.resolve(name + "-gc.log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:+UseG1GC");
    command.add("--enable-native-access=ALL-UNNAMED");
    if (Runtime.version().feature() >= 24) {
      command.add("--sun-misc-unsafe-memory-access=allow");
    }
    command.add("-Xlog:gc:file=" + gcLog);
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    try {
      return new ChildJvm(name, builder.start(), log, gcLog);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the " + name + " JVM: " + command, e);
    }
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  /**
   * Waits until a line of the log matches {@code pattern} and returns the match.
   *
   * @throws IllegalStateException if the JVM exits first or the time runs out, with the log's tail
   */
  Matcher awaitLogLine(Pattern pattern, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : logLines()) {
        Matcher m = pattern.matcher(line);
        if (m.find()) {
          return m;
        }
      }
      checkAlive();
      Thread.sleep(POLL);
    }
    throw notReady(timeout);
  }

  /** Waits until {@code url} answers 200. */
  void awaitHttpOk(URI url, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
      while (System.nanoTime() < deadline) {
        checkAlive();
        try {
          HttpRequest get = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).build();
          if (http.send(get, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            return;
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        Thread.sleep(POLL);
      }
    }
    throw notReady(timeout);
  }

  /**
   * @throws IllegalStateException if the JVM has exited, with its exit code and the log's tail
   */
  void checkAlive() {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          "the "
              + name
              + " JVM exited with code "
              + process.exitValue()
              + "; the end of "
              + log
              + ":\n"
              + tail(30));
    }
  }

  /** CPU time the JVM has used so far, user and system. */
  Duration cpu() {
    return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
  }

  /** Peak resident set so far, in kB; empty where there is no {@code /proc}. */
  java.util.OptionalLong peakRssKb() {
    return ProcStatus.peakRssKb(process.pid());
  }

  GcLog gc() throws IOException {
    return GcLog.read(gcLog);
  }

  /** The last {@code lines} lines of the log. */
  String tail(int lines) {
    List<String> all = logLines();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  private IllegalStateException notReady(Duration timeout) {
    return new IllegalStateException(
        "the "
            + name
            + " JVM was not ready after "
            + timeout.toSeconds()
            + " s; the end of "
            + log
            + ":\n"
            + tail(30));
  }

  private List<String> logLines() {
    try {
      return Files.readAllLines(log, StandardCharsets.UTF_8);
    } catch (IOException | UncheckedIOException e) {
      return List.of(); // not written yet, or a line cut in the middle of a character
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
