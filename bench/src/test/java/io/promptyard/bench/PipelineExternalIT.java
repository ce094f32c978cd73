package io.promptyard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code promptyard bench pipeline-external} run small: broker, simulator, router and worker each
 * in a JVM of its own.
 */
class PipelineExternalIT {

  @Test
  void everyRequestGetsAResultAndTheLastLineHasEveryFigure(@TempDir Path runDir) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));

    int exit =
        cli.execute(
            "bench",
            "pipeline-external",
            "--simulator-latency-ms",
            "50",
            "--requests",
            "200",
            "--warmup",
            "20",
            "--in-flight",
            "200",
            "--worker-heap",
            "256m",
            "--run-dir",
            runDir.toString());

    assertThat(exit).as(err.toString()).isZero();
    List<String> lines = out.toString().lines().toList();
    JsonNode figures = new ObjectMapper().readTree(lines.getLast());
    assertThat(figures.get("benchmark").asText()).isEqualTo("pipeline-external");
    assertThat(figures.get("results").asInt()).isEqualTo(200);
    assertThat(figures.get("succeeded").asInt()).isEqualTo(200);
    for (String field :
        List.of(
            "jobs_per_second",
            "jobs_per_second_steady",
            "p50_ms",
            "p90_ms",
            "p99_ms",
            "max_ms",
            "pipeline_cpu_ms_per_job",
            "all_cpu_ms_per_job",
            "bench_cpu_ms_per_job")) {
      assertThat(figures.has(field)).as(field).isTrue();
    }
    for (String process : List.of("broker", "simulator", "router", "worker")) {
      for (String figure :
          List.of("cpu_s", "cpu_ms_per_job", "peak_rss_mb", "heap_peak_mb", "gc_pause_ms")) {
        assertThat(figures.has(process + "_" + figure)).as(process + "_" + figure).isTrue();
      }
    }
    assertThat(err.toString()).contains("logs of every process in " + runDir);
    assertThat(runDir.resolve("worker.log")).exists();
  }
}
