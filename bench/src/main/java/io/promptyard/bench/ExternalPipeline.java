package io.promptyard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.schemas.topics.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The processes of {@code bench pipeline-external}, each its own JVM started from this JVM's class
 * path: the broker (unless one is given), the simulated provider (unless a base URL is given), and
 * {@code promptyard service router} and {@code promptyard service worker}, configured through their
 * {@code PROMPTYARD_*} environment as an operator would. {@link #close()} stops them all, newest
 * first; so does a shutdown hook, for Ctrl-C.
 */
final class ExternalPipeline implements AutoCloseable {

  /** The catalog provider the benchmark writes, and the suffix of its route topic. */
  static final String PROVIDER = "bench";

  private static final Pattern READY = Pattern.compile("^READY (\\S+)");
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<ChildJvm> children = new ArrayList<>();
  private final Thread shutdownHook = new Thread(this::stopChildren, "pipeline-external-stop");
  private String bootstrapServers;
  private String baseUrl;

  /** What to start, from the command line. */
  record Settings(
      Optional<String> bootstrapServers,
      Optional<String> baseUrl,
      long simulatorLatencyMs,
      Optional<String> apiKeyEnv,
      String model,
      Optional<String> redisUrl,
      int inFlight,
      int maxPollRecords,
      boolean interactive,
      Optional<String> workerHeap,
      List<String> workerJvmOptions) {}

  private ExternalPipeline() {
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts every process and waits until each is ready. */
  static ExternalPipeline start(Settings settings, Path runDir, PrintWriter log)
      throws InterruptedException, IOException {
    ExternalPipeline pipeline = new ExternalPipeline();
    try {
      pipeline.startAll(settings, runDir, log);
      return pipeline;
    } catch (RuntimeException | InterruptedException | IOException e) {
      pipeline.close();
      throw e;
    }
  }

  private void startAll(Settings settings, Path runDir, PrintWriter log)
      throws InterruptedException, IOException {
    if (settings.bootstrapServers().isPresent()) {
      bootstrapServers = settings.bootstrapServers().get();
    } else {
      progress(log, "starting the broker (its own JVM)");
      bootstrapServers =
          awaitReady(child("broker", runDir, List.of(), Map.of(), BenchBrokerMain.class));
    }
    if (settings.baseUrl().isPresent()) {
      baseUrl = settings.baseUrl().get();
    } else {
      progress(log, "starting the simulated provider (its own JVM)");
      baseUrl =
          awaitReady(
              child(
                  "simulator",
                  runDir,
                  // The JDK's HTTP server closes idle keep-alive connections past 200 by default,
                  // so at 2,200 calls in flight a fifth of the worker's calls opened a new
                  // connection; a provider's server keeps them, and so does the stand-in.
                  List.of(
                      "-Dsun.net.httpserver.maxIdleConnections="
                          + Math.max(200, 2 * settings.inFlight())),
                  Map.of(),
                  BenchSimulatorMain.class,
                  Long.toString(settings.simulatorLatencyMs())));
    }
    Path catalog = runDir.resolve("catalog.yaml");
    Files.writeString(catalog, catalogYaml(baseUrl, settings.model(), settings.apiKeyEnv()));
    Map<String, String> common = new HashMap<>();
    common.put("PROMPTYARD_BOOTSTRAP_SERVERS", bootstrapServers);
    common.put("PROMPTYARD_TOPIC_PREFIX", Topics.DEFAULT_PREFIX);
    common.put("PROMPTYARD_CATALOG", catalog.toString());
    progress(log, "starting promptyard service router and worker (a JVM each)");
    ChildJvm router =
        child(
            "router", runDir, List.of(), common, io.promptyard.cli.Main.class, "service", "router");
    int port = freePort();
    Map<String, String> worker = new HashMap<>(common);
    int consumers = Math.ceilDiv(settings.inFlight(), settings.maxPollRecords());
    worker.put("PROMPTYARD_WORKER_PROVIDERS", PROVIDER);
    worker.put("PROMPTYARD_WORKER_CONSUMERS", Integer.toString(consumers));
    worker.put(
        "PROMPTYARD_WORKER_INTERACTIVE_CONSUMERS",
        Integer.toString(settings.interactive() ? consumers : 1));
    worker.put("PROMPTYARD_WORKER_MAX_POLL_RECORDS", Integer.toString(settings.maxPollRecords()));
    worker.put("PROMPTYARD_WORKER_MAX_IN_FLIGHT", Integer.toString(settings.inFlight()));
    worker.put("PROMPTYARD_WORKER_HTTP_PORT", Integer.toString(port));
    worker.put("PROMPTYARD_WORKER_HTTP_BIND", "127.0.0.1");
    settings.redisUrl().ifPresent(url -> worker.put("PROMPTYARD_REDIS_URL", url));
    List<String> jvmOptions = new ArrayList<>();
    settings.workerHeap().ifPresent(h -> jvmOptions.add("-Xmx" + h));
    jvmOptions.addAll(settings.workerJvmOptions());
    ChildJvm workerJvm =
        child(
            "worker",
            runDir,
            jvmOptions,
            worker,
            io.promptyard.cli.Main.class,
            "service",
            "worker");
    // The router logs nothing at the default level once started; the warm-up is its readiness test.
    router.checkAlive();
    workerJvm.awaitHttpOk(URI.create("http://127.0.0.1:" + port + "/health"), START_TIMEOUT);
  }

  String bootstrapServers() {
    return bootstrapServers;
  }

  /** The JVMs started, oldest first. */
  List<ChildJvm> children() {
    return List.copyOf(children);
  }

  /**
   * @throws IllegalStateException if any process has exited, with its log's tail
   */
  void checkAlive() {
    children.forEach(ChildJvm::checkAlive);
  }

  /**
   * A catalog of one OpenAI-compatible provider, {@value #PROVIDER}, at {@code baseUrl}, serving
   * {@code model} under the alias {@code cheap} at no cost.
   */
  static String catalogYaml(String baseUrl, String model, Optional<String> apiKeyEnv) {
    try {
      // A JSON string is a YAML double-quoted scalar: any URL or model id is quoted safely.
      String key =
          apiKeyEnv.isPresent()
              ? "    apiKeyEnv: [" + JSON.writeValueAsString(apiKeyEnv.get()) + "]\n"
              : "    keyRequired: false\n";
      return "pricesReadOn: 2026-01-01\n"
          + "providers:\n"
          + "  "
          + PROVIDER
          + ":\n"
          + "    type: openai-compatible\n"
          + "    baseUrl: "
          + JSON.writeValueAsString(baseUrl)
          + "\n"
          + key
          + "models:\n"
          + "  - provider: "
          + PROVIDER
          + "\n"
          + "    id: "
          + JSON.writeValueAsString(model)
          + "\n"
          + "    aliases: [cheap]\n"
          + "    contextWindow: 128000\n"
          + "    maxOutputTokens: 16384\n"
          + "    capabilities: []\n"
          + "    prices: {input: 0, cachedInput: 0, output: 0}\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private ChildJvm child(
      String name,
      Path runDir,
      List<String> jvmOptions,
      Map<String, String> environment,
      Class<?> main,
      String... args) {
    ChildJvm child = ChildJvm.start(name, runDir, jvmOptions, environment, main.getName(), args);
    children.add(child);
    return child;
  }

  private static String awaitReady(ChildJvm child) throws InterruptedException {
    return child.awaitLogLine(READY, START_TIMEOUT).group(1);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port for the worker's /health", e);
    }
  }

  private static void progress(PrintWriter log, String what) {
    log.println("pipeline-external: " + what + "…");
    log.flush();
  }

  private void stopChildren() {
    for (ChildJvm child : children.reversed()) {
      child.close();
    }
  }

  @Override
  public void close() {
    stopChildren();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or about to: it stops the children itself
    }
  }
}
