package io.promptyard.bench;

import io.promptyard.client.batch.ResultCollector;
import io.promptyard.schemas.topics.Topics;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The pipeline as an operator deploys it: {@code promptyard service router} and {@code promptyard
 * service worker} in JVMs of their own, against a broker and an OpenAI-compatible server (the
 * user's, or the simulated one in a JVM of its own), fed a batch of distinct requests. Reports
 * jobs/s, submit-to-result latency percentiles, and per process CPU per job, peak resident memory,
 * peak heap and GC pauses.
 */
@Command(
    name = "pipeline-external",
    mixinStandardHelpOptions = true,
    description = {
      "Run router and worker as separate JVMs against a broker and an",
      "OpenAI-compatible server, submit distinct requests, and report jobs/s,",
      "latency percentiles, CPU per job per process, peak RSS and heap.",
      "The last line of standard output is one JSON object with every figure.",
      "Other PROMPTYARD_* variables reach the router and worker unchanged."
    },
    footer = {
      "",
      "Examples:",
      "  promptyard bench pipeline-external --simulator-latency-ms 2000 \\",
      "      --requests 5000 --in-flight 2200",
      "  promptyard bench pipeline-external --base-url http://127.0.0.1:8000/v1 \\",
      "      --model my-model --bootstrap-server kafka:9092 \\",
      "      --redis-url redis://127.0.0.1:6379 --rate 500"
    })
public final class PipelineExternalBenchmark extends NamedBenchmark implements Callable<Integer> {

  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

  @Spec CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Provider provider;

  /** Where the worker's calls go: the user's server, or the simulator started for the run. */
  static final class Provider {
    @Option(
        names = "--base-url",
        paramLabel = "URL",
        description = "the OpenAI-compatible server's base URL, up to and including /v1")
    String baseUrl;

    @Option(
        names = "--simulator-latency-ms",
        paramLabel = "MS",
        description = "instead: start the simulated provider in its own JVM, answering after MS ms")
    Long simulatorLatencyMs;
  }

  @Option(
      names = "--api-key-env",
      paramLabel = "NAME",
      description = "environment variable holding the server's API key (default: none sent)")
  String apiKeyEnv;

  @Option(
      names = "--model",
      paramLabel = "ID",
      description = "model id the server expects (default ${DEFAULT-VALUE})",
      defaultValue = "sim-mini")
  String model;

  @Option(
      names = {"--bootstrap-server", "--bootstrap-servers"},
      paramLabel = "HOST:PORT",
      description =
          "Kafka to use; default: an embedded single-node broker started in its own JVM, its CPU counted as broker")
  String bootstrapServers;

  @Option(
      names = "--redis-url",
      paramLabel = "URL",
      description =
          "passed to the worker as PROMPTYARD_REDIS_URL (default: in-memory cache and ledger)")
  String redisUrl;

  @Option(
      names = "--requests",
      paramLabel = "N",
      description = "measured requests (default ${DEFAULT-VALUE})",
      defaultValue = "2000")
  int requests;

  @Option(
      names = "--warmup",
      paramLabel = "N",
      description = "requests run and awaited before measuring (default ${DEFAULT-VALUE})",
      defaultValue = "200")
  int warmup;

  @Option(
      names = "--in-flight",
      paramLabel = "N",
      description =
          "the worker's PROMPTYARD_WORKER_MAX_IN_FLIGHT, with in-flight ÷ max-poll-records consumers (default ${DEFAULT-VALUE})",
      defaultValue = "1000")
  int inFlight;

  @Option(
      names = "--max-poll-records",
      paramLabel = "N",
      description = "the worker's PROMPTYARD_WORKER_MAX_POLL_RECORDS (default ${DEFAULT-VALUE})",
      defaultValue = "100")
  int maxPollRecords;

  @Option(
      names = "--rate",
      paramLabel = "PER_SECOND",
      description = "submit at this steady rate (default: as fast as the producer takes them)",
      defaultValue = "0")
  double rate;

  @Option(
      names = "--worker-heap",
      paramLabel = "SIZE",
      description = "the worker's -Xmx, e.g. 512m")
  String workerHeap;

  @Option(
      names = "--worker-jvm-option",
      paramLabel = "OPTION",
      description =
          "an option for the worker's JVM, e.g. -XX:StartFlightRecording=filename=worker.jfr (repeatable)")
  List<String> workerJvmOptions = new ArrayList<>();

  @Option(
      names = "--lane",
      paramLabel = "LANE",
      description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})",
      defaultValue = "batch")
  Lane lane;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      description = "how long to wait for the measured results (default ${DEFAULT-VALUE})",
      defaultValue = "900")
  int timeoutSeconds;

  @Option(
      names = "--run-dir",
      paramLabel = "DIR",
      description = "directory for the processes' logs (default: a new one under the temp dir)")
  Path runDir;

  /** The priority the requests ask for, which picks the route topic and worker consumers. */
  enum Lane {
    batch,
    interactive
  }

  public PipelineExternalBenchmark() {
    super(
        "pipeline-external",
        "router and worker as separate JVMs against a broker and an OpenAI-compatible server (--help)");
  }

  @Override
  public Integer call() throws Exception {
    BenchCommand.print(spec.commandLine(), run(spec.commandLine().getErr()));
    return 0;
  }

  @Override
  void measure(Map<String, Object> figures, PrintWriter log) throws Exception {
    if (provider == null) {
      throw new IllegalArgumentException(
          "pipeline-external needs --base-url URL or --simulator-latency-ms MS; see bench pipeline-external --help");
    }
    Path dir = runDir == null ? Files.createTempDirectory("promptyard-bench-") : runDir;
    Files.createDirectories(dir);
    log.printf("pipeline-external: logs of every process in %s%n", dir);
    Topics topics = Topics.defaults();
    String batch = "bench-" + System.currentTimeMillis();
    try (ExternalPipeline pipeline = ExternalPipeline.start(settings(), dir, log);
        ResultCollector collector =
            new ResultCollector(pipeline.bootstrapServers(), topics.results())) {
      log.printf("pipeline-external: warm-up, %d requests…%n", warmup);
      LoadRun warm = new LoadRun(batch + "-warmup", warmup);
      run(warm, pipeline, topics, collector, 0, Duration.ofMinutes(3), log);
      if (warm.results() < warmup) {
        throw new IllegalStateException(
            "only %d of %d warm-up results in 3 minutes; the processes' logs in %s may say why"
                .formatted(warm.results(), warmup, dir));
      }
      log.printf("pipeline-external: measuring, %d requests…%n", requests);
      Map<String, Long> cpuBefore = cpu(pipeline);
      LoadRun load = new LoadRun(batch, requests);
      run(load, pipeline, topics, collector, rate, Duration.ofSeconds(timeoutSeconds), log);
      Map<String, Long> cpuAfter = cpu(pipeline);
      if (load.results() < requests) {
        log.printf(
            "pipeline-external: only %d of %d results in %d s; the figures cover those%n",
            load.results(), requests, timeoutSeconds);
      }
      putFigures(figures, load, usage(pipeline, cpuBefore, cpuAfter));
    }
  }

  private ExternalPipeline.Settings settings() {
    return new ExternalPipeline.Settings(
        Optional.ofNullable(bootstrapServers),
        Optional.ofNullable(provider.baseUrl),
        provider.simulatorLatencyMs == null ? 0 : provider.simulatorLatencyMs,
        Optional.ofNullable(apiKeyEnv),
        model,
        Optional.ofNullable(redisUrl),
        inFlight,
        maxPollRecords,
        lane == Lane.interactive,
        Optional.ofNullable(workerHeap),
        workerJvmOptions);
  }

  /** Runs {@code load}, printing progress every few seconds and stopping if a process dies. */
  private void run(
      LoadRun load,
      ExternalPipeline pipeline,
      Topics topics,
      ResultCollector collector,
      double perSecond,
      Duration timeout,
      PrintWriter log)
      throws Exception {
    long start = System.nanoTime();
    int[] lastResults = {0};
    ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor();
    try {
      progress.scheduleAtFixedRate(
          () -> {
            int results = load.results();
            log.printf(
                "pipeline-external: %3d s, submitted %d, results %d (%d jobs/s over the last %d s)%n",
                (System.nanoTime() - start) / 1_000_000_000,
                load.sent(),
                results,
                (results - lastResults[0]) / PROGRESS_EVERY.toSeconds(),
                PROGRESS_EVERY.toSeconds());
            lastResults[0] = results;
          },
          PROGRESS_EVERY.toMillis(),
          PROGRESS_EVERY.toMillis(),
          TimeUnit.MILLISECONDS);
      load.run(
          pipeline.bootstrapServers(),
          topics.requestsJson(),
          collector,
          perSecond,
          lane.name(),
          timeout);
    } finally {
      progress.shutdownNow();
    }
    pipeline.checkAlive();
  }

  /** CPU nanoseconds used so far by each process started, and by this one as {@code bench}. */
  private static Map<String, Long> cpu(ExternalPipeline pipeline) {
    Map<String, Long> cpu = new HashMap<>();
    pipeline.children().forEach(c -> cpu.put(c.name(), c.cpu().toNanos()));
    cpu.put("bench", CpuTime.process());
    return cpu;
  }

  private static List<ProcessUsage> usage(
      ExternalPipeline pipeline, Map<String, Long> before, Map<String, Long> after)
      throws java.io.IOException {
    List<ProcessUsage> usage = new ArrayList<>();
    for (ChildJvm child : pipeline.children()) {
      String name = child.name();
      usage.add(
          new ProcessUsage(
              name,
              after.get(name) - before.get(name),
              child.peakRssKb(),
              Optional.of(child.gc())));
    }
    OptionalLong benchRss = ProcStatus.peakRssKb(ProcessHandle.current().pid());
    usage.add(
        new ProcessUsage(
            "bench", after.get("bench") - before.get("bench"), benchRss, Optional.empty()));
    return usage;
  }

  private void putFigures(Map<String, Object> figures, LoadRun load, List<ProcessUsage> usage) {
    figures.put("requests", requests);
    figures.put("results", load.results());
    figures.put("succeeded", load.succeeded());
    figures.put("provider", provider.baseUrl == null ? "simulator" : "external");
    if (provider.simulatorLatencyMs != null) {
      figures.put("simulator_latency_ms", provider.simulatorLatencyMs);
    }
    figures.put("broker", bootstrapServers == null ? "embedded" : "external");
    figures.put("redis", redisUrl != null);
    figures.put("lane", lane.name());
    figures.put("in_flight", inFlight);
    figures.put("rate", rate);
    figures.put("worker_heap", workerHeap == null ? "default" : workerHeap);
    figures.put("cores", Runtime.getRuntime().availableProcessors());
    Throughput throughput = load.throughput();
    figures.put("jobs_per_second", Math.round(throughput.overall()));
    figures.put("jobs_per_second_steady", Math.round(throughput.steady()));
    Latencies latencies = load.latencies();
    figures.put("p50_ms", latencies.percentileMillis(50));
    figures.put("p90_ms", latencies.percentileMillis(90));
    figures.put("p99_ms", latencies.percentileMillis(99));
    figures.put("max_ms", latencies.maxMillis());
    long jobs = load.results();
    long pipelineCpu = 0;
    long allCpu = 0;
    for (ProcessUsage u : usage) {
      u.putInto(figures, jobs);
      allCpu += u.cpuNanos();
      if (List.of("broker", "router", "worker").contains(u.name())) {
        pipelineCpu += u.cpuNanos();
      }
    }
    figures.put(
        "pipeline_cpu_ms_per_job",
        Figures.round(ProcessUsage.cpuMillisPerJob(pipelineCpu, jobs), 3));
    figures.put("all_cpu_ms_per_job", Figures.round(ProcessUsage.cpuMillisPerJob(allCpu, jobs), 3));
  }
}
