package io.promptyard.bench;

import io.promptyard.schemas.ResultStatus;
import io.promptyard.testkit.provider.SimulatorConfig;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One worker against a provider that takes 2 s per call, no rate limit: how many jobs per second it
 * sustains, how many calls it keeps in flight (Little's law: throughput × latency), and how much
 * heap that takes.
 */
public final class WorkerLatencyBenchmark extends NamedBenchmark {

  private final int jobs = Integer.getInteger("promptyard.bench.jobs", 20_000);

  /**
   * Enough jobs for the JIT to have compiled the broker's, the clients' and the worker's hot paths.
   */
  private final int warmup = Integer.getInteger("promptyard.bench.warmup", 10_000);

  private final long latencyMs = Long.getLong("promptyard.bench.latencyMs", 2_000);
  private final int maxInFlight = Integer.getInteger("promptyard.bench.maxInFlight", 2_200);

  /**
   * Polls of 100 measured faster than polls of 200 (smaller bursts of calls; docs/BENCHMARKS.md).
   */
  private final int maxPoll = Integer.getInteger("promptyard.bench.maxPoll", 100);

  /**
   * Twice what the limit needs, as docs/OPERATIONS.md advises for a slow provider: a consumer whose
   * jobs finished waits for its last one before it can poll again, and a spare consumer takes the
   * places freed meanwhile (98% of the places held, against 95% with exactly limit ÷ poll
   * consumers).
   */
  private final int consumers =
      Integer.getInteger("promptyard.bench.consumers", 2 * maxInFlight / maxPoll);

  public WorkerLatencyBenchmark() {
    super(
        "worker-latency",
        "one worker, provider latency 2 s: sustained jobs/s, calls in flight, heap");
  }

  @Override
  void measure(Map<String, Object> f, PrintWriter log) throws Exception {
    SimulatorConfig sim = SimulatorConfig.answeringAfter(latencyMs);
    Map<String, String> settings =
        Map.of(
            "PROMPTYARD_WORKER_CONSUMERS",
            Integer.toString(consumers),
            "PROMPTYARD_WORKER_MAX_POLL_RECORDS",
            Integer.toString(maxPoll),
            "PROMPTYARD_WORKER_MAX_IN_FLIGHT",
            Integer.toString(maxInFlight));
    try (WorkerRig rig = new WorkerRig(sim, 12, settings)) {
      log.printf(
          "worker-latency: %d jobs, provider latency %d ms, %d in flight at most, %d consumers × %d records per poll,"
              + " ledger and cache in %s…%n",
          jobs, latencyMs, maxInFlight, consumers, maxPoll, rig.usesRedis() ? "Redis" : "memory");
      rig.warmUp(warmup, i -> "warm-up question " + i);
      System.gc();
      int configured = maxInFlight;
      // Samples every 100 ms: heap, and the calls in flight (each sample with its time, for the
      // steady window).
      AtomicLong peakHeap = new AtomicLong();
      List<long[]> inFlightSamples = Collections.synchronizedList(new ArrayList<>());
      Thread sampler =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    long lastLog = 0;
                    while (!Thread.currentThread().isInterrupted()) {
                      peakHeap.accumulateAndGet(heapUsed(), Math::max);
                      long now = System.nanoTime();
                      int inFlight = rig.inFlight();
                      inFlightSamples.add(new long[] {now, inFlight, rig.placesHeld()});
                      if (now - lastLog > 2_000_000_000L) {
                        log.printf(
                            "  in flight %d, heap %d MB%n", inFlight, heapUsed() / (1024 * 1024));
                        lastLog = now;
                      }
                      try {
                        Thread.sleep(100);
                      } catch (InterruptedException e) {
                        return;
                      }
                    }
                  });
      Latencies latency = new Latencies();
      AtomicInteger ok = new AtomicInteger();
      long[] resultNanos = new long[jobs];
      AtomicInteger received = new AtomicInteger();
      double loadBefore = Figures.loadAverage();
      long cpuBefore = CpuTime.process();
      Map<Long, long[]> threadCpuBefore = CpuTime.perThread();
      long gcBefore = gcMillis();
      long[] callsBefore = rig.callTotals();
      long start = System.nanoTime();
      // Counted, not kept: 30,000 results held in this JVM would be the bench's heap, not the
      // worker's.
      int results =
          rig.run(
              "run",
              jobs,
              i -> "distinct question number " + i,
              Duration.ofMinutes(10),
              (r, ms) -> {
                latency.record(ms);
                int n = received.getAndIncrement();
                if (n < resultNanos.length) {
                  resultNanos[n] = System.nanoTime();
                }
                if (r.getStatus() == ResultStatus.SUCCEEDED) {
                  ok.incrementAndGet();
                }
              });
      long cpu = CpuTime.process() - cpuBefore;
      Map<String, Long> cpuByThreads = CpuTime.byGroupMillis(threadCpuBefore);
      long gc = gcMillis() - gcBefore;
      long[] callsAfter = rig.callTotals();
      double loadAfter = Figures.loadAverage();
      sampler.interrupt();
      sampler.join();
      int n = Math.min(received.get(), jobs);
      double seconds = (resultNanos[Math.max(0, n - 1)] - start) / 1e9;
      double throughput = n / seconds;
      // Sustained: from the 10th to the 90th percentile result, past the first calls' latency and
      // before the tail.
      int from = n / 10;
      int to = n * 9 / 10;
      long steadyFrom = resultNanos[from];
      long steadyTo = resultNanos[Math.max(from, to - 1)];
      double sustained = (to - from) / Math.max(1e-9, (steadyTo - steadyFrom) / 1e9);
      double meanInFlight;
      double meanPlacesHeld;
      int maxInFlight;
      synchronized (inFlightSamples) {
        meanInFlight = steadyMean(inFlightSamples, steadyFrom, steadyTo, 1);
        maxInFlight = (int) inFlightSamples.stream().mapToLong(x -> x[1]).max().orElse(0);
        meanPlacesHeld = steadyMean(inFlightSamples, steadyFrom, steadyTo, 2);
      }
      double latencyS = latencyMs / 1000.0;
      double ceiling = configured / latencyS;
      f.put("jobs", jobs);
      f.put("results", results);
      f.put("succeeded", ok.get());
      f.put("provider_latency_ms", latencyMs);
      f.put("consumers", consumers);
      f.put("max_poll_records", maxPoll);
      f.put("ledger_and_cache", rig.usesRedis() ? "redis" : "in-memory");
      f.put("configured_concurrency", configured);
      f.put("jobs_per_second", Math.round(sustained));
      f.put("jobs_per_second_whole_run", Math.round(throughput));
      f.put("mean_in_flight", Math.round(meanInFlight));
      f.put("max_in_flight", maxInFlight);
      // Places are held from the poll to the published outcome: how full the worker keeps its
      // limit, and how long
      // a job holds its place (Little's law again) against the provider's 2 s.
      f.put("mean_places_held", Math.round(meanPlacesHeld));
      // The provider call as the worker timed it (its adapter's HTTP exchange): the rest of a
      // place's time is
      // the poll, the ledger, cache and guards, and publishing.
      f.put(
          "mean_provider_call_ms",
          Math.round(
              (callsAfter[1] - callsBefore[1])
                  / 1e6
                  / Math.max(1, callsAfter[0] - callsBefore[0])));
      f.put(
          "ms_per_job_holding_a_place",
          Math.round(1000 * meanPlacesHeld / Math.max(1e-9, sustained)));
      f.put("in_flight_littles_law", Math.round(sustained * latencyS));
      f.put("littles_law_ceiling_jobs_per_second", Math.round(ceiling));
      f.put("ratio_to_ceiling", Math.round(1000 * sustained / ceiling) / 1000.0);
      latency.putPercentiles(f);
      f.put("peak_heap_mb", peakHeap.get() / (1024 * 1024));
      f.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
      f.put("provider_calls", rig.simulator().requestsServed());
      f.put("cores", Runtime.getRuntime().availableProcessors());
      // CPU of this whole JVM (broker, simulator, worker, client) per job: what the machine's load
      // does not change much.
      f.put("process_cpu_ms_per_job", Math.round(100.0 * cpu / 1e6 / Math.max(1, n)) / 100.0);
      f.put("gc_ms", gc);
      // where that CPU went (JIT compiler and GC threads are not Java threads: they are the rest of
      // the process figure)
      f.put("cpu_ms_by_threads", cpuByThreads);
      f.put("load_average_before", Figures.round(loadBefore, 1));
      f.put("load_average_after", Figures.round(loadAfter, 1));
    }
  }

  /** Time the collectors report (G1's young and mixed pauses and its concurrent cycles). */
  private static long gcMillis() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(b -> Math.max(0, b.getCollectionTime()))
        .sum();
  }

  private static long heapUsed() {
    long used = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        used += pool.getUsage().getUsed();
      }
    }
    return used;
  }

  /**
   * The mean of column {@code column} over the samples (time in column 0) taken from {@code from}
   * to {@code to}, or 0 when there are none.
   */
  private static double steadyMean(List<long[]> samples, long from, long to, int column) {
    return samples.stream()
        .filter(x -> x[0] >= from && x[0] <= to)
        .mapToLong(x -> x[column])
        .average()
        .orElse(0);
  }
}
