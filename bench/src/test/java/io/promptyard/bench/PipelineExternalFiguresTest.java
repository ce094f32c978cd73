package io.promptyard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.promptyard.catalog.ModelCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The figures {@code bench pipeline-external} computes from what it observed. */
class PipelineExternalFiguresTest {

  private static final String STATUS =
      """
      Name:\tjava
      Umask:\t0022
      State:\tS (sleeping)
      Pid:\t4242
      VmPeak:\t 9876544 kB
      VmSize:\t 9876543 kB
      VmHWM:\t 1520312 kB
      VmRSS:\t  812000 kB
      Threads:\t120
      """;

  private static final String GC_LOG =
      """
      [0.012s][info][gc] Using G1
      [1.503s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 24M->3M(256M) 2.500ms
      [5.201s][info][gc] GC(1) Pause Young (Concurrent Start) (G1 Humongous Allocation) 410M->120M(512M) 7.250ms
      [5.300s][info][gc] GC(2) Concurrent Mark Cycle
      [5.350s][info][gc] GC(2) Pause Remark 130M->128M(512M) 1.000ms
      [5.360s][info][gc] GC(2) Pause Cleanup 128M->128M(512M) 0.250ms
      [5.400s][info][gc] GC(2) Concurrent Mark Cycle 99.000ms
      [9.000s][info][gc] GC(3) Pause Full (G1 Compaction Pause) 1G->300M(1G) 120.000ms
      """;

  @Test
  void peakRssIsReadFromTheStatusFilesHighWaterMark() {
    assertThat(ProcStatus.kilobytes(STATUS, "VmHWM")).hasValue(1_520_312);
    assertThat(ProcStatus.kilobytes(STATUS, "VmRSS")).hasValue(812_000);
    assertThat(ProcStatus.kilobytes(STATUS, "VmSwap")).isEmpty();
  }

  @Test
  void peakRssOfThisProcessIsReadFromProc() {
    assertThat(ProcStatus.peakRssKb(ProcessHandle.current().pid()).orElseThrow()).isPositive();
  }

  @Test
  void gcLogGivesPeakHeapBeforeACollectionAndTheTotalOfStopTheWorldPauses() {
    GcLog gc = GcLog.parse(GC_LOG);

    assertThat(gc.heapPeakMb()).isEqualTo(1024);
    assertThat(gc.heapCommittedMb()).isEqualTo(1024);
    assertThat(gc.pauses()).isEqualTo(5);
    assertThat(gc.pauseMillis()).isCloseTo(131.0, within(1e-9));
  }

  @Test
  void aMissingGcLogMeansNoCollections(@TempDir Path dir) throws Exception {
    assertThat(GcLog.read(dir.resolve("none.log"))).isEqualTo(new GcLog(0, 0, 0, 0));
  }

  @Test
  void steadyThroughputLeavesOutTheFirstAndLastTenthOfResults() {
    // 100 results: the first ten trickle in over 10 s (start-up), then one every 10 ms.
    long s = 1_000_000_000L;
    long[] arrivals = new long[100];
    for (int i = 0; i < 10; i++) {
      arrivals[i] = (i + 1) * s;
    }
    for (int i = 10; i < 100; i++) {
      arrivals[i] = 10 * s + (i - 9) * 10_000_000L;
    }

    Throughput t = Throughput.of(0, arrivals);

    assertThat(t.overall()).isCloseTo(100 / 10.9, within(1e-6));
    // results 10..89 arrive 10 ms apart: 79 intervals in 0.79 s
    assertThat(t.steady()).isCloseTo(100.0, within(1e-6));
  }

  @Test
  void noResultsMeansNoThroughput() {
    assertThat(Throughput.of(0, new long[0])).isEqualTo(new Throughput(0, 0));
  }

  @Test
  void percentilesCoverTheLatenciesRecorded() {
    Latencies latencies = new Latencies();
    for (int ms = 1; ms <= 1000; ms++) {
      latencies.record(ms);
    }

    assertThat(latencies.percentileMillis(50)).isEqualTo(500);
    assertThat(latencies.percentileMillis(90)).isEqualTo(900);
    assertThat(latencies.percentileMillis(99)).isEqualTo(990);
    assertThat(latencies.maxMillis()).isEqualTo(1000);
  }

  @Test
  void cpuPerJobIsTheProcesssCpuTimeOverTheResults() {
    ProcessUsage worker =
        new ProcessUsage(
            "worker",
            9_000_000_000L,
            OptionalLong.of(1_520_312),
            Optional.of(new GcLog(700, 1024, 40, 350.4)));
    Map<String, Object> figures = new LinkedHashMap<>();

    worker.putInto(figures, 4_500);

    assertThat(figures)
        .containsEntry("worker_cpu_s", 9.0)
        .containsEntry("worker_cpu_ms_per_job", 2.0)
        .containsEntry("worker_peak_rss_mb", 1_484L)
        .containsEntry("worker_heap_peak_mb", 700L)
        .containsEntry("worker_heap_committed_mb", 1024L)
        .containsEntry("worker_gc_pauses", 40)
        .containsEntry("worker_gc_pause_ms", 350L);
    assertThat(ProcessUsage.cpuMillisPerJob(1_000_000, 0)).isZero();
  }

  @Test
  void theCatalogItWritesServesTheModelUnderTheAliasTheRequestsName(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("catalog.yaml");
    Files.writeString(
        file,
        ExternalPipeline.catalogYaml(
            "http://127.0.0.1:8000/v1", "org/model: \"v2\"", Optional.of("MY_KEY")));

    ModelCatalog catalog = ModelCatalog.load(file);

    assertThat(catalog.provider(ExternalPipeline.PROVIDER).orElseThrow().baseUrl())
        .isEqualTo("http://127.0.0.1:8000/v1");
    assertThat(catalog.resolve("cheap"))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.provider()).isEqualTo(ExternalPipeline.PROVIDER);
              assertThat(m.id()).isEqualTo("org/model: \"v2\"");
            });
  }
}
