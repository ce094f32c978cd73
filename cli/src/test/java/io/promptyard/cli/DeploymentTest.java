package io.promptyard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.ProviderSpec;
import io.promptyard.providers.bedrock.BedrockProvider;
import io.promptyard.router.RouterConfig;
import io.promptyard.router.RouterMetrics;
import io.promptyard.schemas.Alert;
import io.promptyard.schemas.AlertKind;
import io.promptyard.schemas.CircuitState;
import io.promptyard.schemas.DetectorVerdict;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Priority;
import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.config.ConfigKey;
import io.promptyard.schemas.config.Settings;
import io.promptyard.schemas.runtime.ProcessMetrics;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.usage.AggregatorConfig;
import io.promptyard.usage.UsageAggregatorApp;
import io.promptyard.usage.UsageMetrics;
import io.promptyard.worker.WorkerConfig;
import io.promptyard.worker.metrics.WorkerMetrics;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * docker-compose.yml and the files under deploy/ agree with the code: Docker cannot run here, so
 * the compose file is parsed and each service's environment is read by that service's own
 * configuration parser, the ports Prometheus scrapes are the ports the services serve, and the
 * dashboard and the alerting rules ask only for metrics the services export.
 */
class DeploymentTest {

  private static final Path ROOT = Path.of("..");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)(?::?-([^}]*))?}");

  /**
   * The Promptyard services, by compose service name (which is also their module), and the keys
   * each reads.
   */
  private static final Map<String, List<ConfigKey>> SERVICES =
      Map.of(
          "router", keys(RouterConfig.KEYS),
          "worker", keys(WorkerConfig.KEYS),
          "usage-aggregator", keys(UsageAggregatorApp.KEYS));

  private static List<ConfigKey> keys(List<ConfigKey> own) {
    List<ConfigKey> all = new ArrayList<>(CommonConfig.KEYS);
    all.addAll(own);
    return all;
  }

  private final JsonNode compose = yaml(ROOT.resolve("docker-compose.yml"));
  private final JsonNode services = compose.path("services");

  @Test
  void composeBringsUpKafkaRedisEveryServiceTwoWorkersPrometheusAndGrafana() {
    assertThat(names(services))
        .containsExactlyInAnyOrder(
            "kafka", "redis", "router", "worker", "usage-aggregator", "prometheus", "grafana");
    assertThat(services.path("worker").path("deploy").path("replicas").asInt()).isEqualTo(2);
    for (String name : SERVICES.keySet()) {
      JsonNode build = services.path(name).path("build");
      assertThat(build.path("dockerfile").asText())
          .as("%s is built by", name)
          .isEqualTo("deploy/Dockerfile");
      assertThat(ROOT.resolve(build.path("dockerfile").asText())).exists();
      assertThat(build.path("args").path("SERVICE").asText())
          .as("%s builds its own module", name)
          .isEqualTo(name);
      assertThat(read(ROOT.resolve(name).resolve("pom.xml")))
          .as("%s/pom.xml names its runnable jar promptyard-%s.jar", name, name)
          .contains("<promptyard.service.name>" + name + "</promptyard.service.name>");
    }
    assertThat(read(ROOT.resolve("deploy/Dockerfile")))
        .contains("-Pdist", "promptyard-$SERVICE.jar", "java\", \"-jar\"");
  }

  @Test
  void kafkaIsTheOfficialImageInKraftModeAtOurKafkaVersionAndServicesUseItsInternalListener() {
    Matcher version =
        Pattern.compile("<kafka.version>([^<]+)</kafka.version>")
            .matcher(read(ROOT.resolve("pom.xml")));
    assertThat(version.find()).isTrue();
    JsonNode kafka = services.path("kafka");
    assertThat(kafka.path("image").asText()).isEqualTo("apache/kafka:" + version.group(1));
    Map<String, String> env = environment(kafka);
    assertThat(env.get("KAFKA_PROCESS_ROLES")).isEqualTo("broker,controller");
    assertThat(env).doesNotContainKey("KAFKA_ZOOKEEPER_CONNECT");
    Map<String, String> advertised = listeners(env.get("KAFKA_ADVERTISED_LISTENERS"));
    String internal = advertised.get(env.get("KAFKA_INTER_BROKER_LISTENER_NAME"));
    assertThat(internal).isEqualTo("kafka:19092");
    assertThat(listeners(env.get("KAFKA_LISTENERS")))
        .containsKeys(advertised.keySet().toArray(String[]::new))
        .containsKey(env.get("KAFKA_CONTROLLER_LISTENER_NAMES"));
    assertThat(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS"))
        .isEqualTo(
            "1@kafka:"
                + port(
                    listeners(env.get("KAFKA_LISTENERS"))
                        .get(env.get("KAFKA_CONTROLLER_LISTENER_NAMES"))));
    assertThat(kafka.path("ports").toString())
        .as("the host's CLI reaches the EXTERNAL listener")
        .contains("9092:9092");
    for (String name : SERVICES.keySet()) {
      assertThat(environment(services.path(name)).get(CommonConfig.BOOTSTRAP_SERVERS.name()))
          .as(name)
          .isEqualTo(internal);
    }
  }

  @Test
  void everyPromptyardVariableIsAKeyOfItsServiceAndItsOwnParserAcceptsTheSettings() {
    for (var service : SERVICES.entrySet()) {
      Map<String, String> env = environment(services.path(service.getKey()));
      Set<String> known =
          service.getValue().stream().map(ConfigKey::name).collect(Collectors.toSet());
      assertThat(env.keySet())
          .as("PROMPTYARD_* variables of %s", service.getKey())
          .filteredOn(k -> k.startsWith("PROMPTYARD_"))
          .isSubsetOf(known);
      assertThat(env)
          .as("%s must be told where Kafka is; localhost is the container itself", service.getKey())
          .containsKey(CommonConfig.BOOTSTRAP_SERVERS.name());
      assertThatCode(() -> parse(service.getKey(), env))
          .as("%s's configuration", service.getKey())
          .doesNotThrowAnyException();
    }
    Map<String, String> worker = environment(services.path("worker"));
    URI redis = URI.create(worker.get(WorkerConfig.REDIS_URL.name()));
    assertThat(redis.getHost())
        .as("the workers share the compose Redis")
        .isIn(names(services))
        .isEqualTo("redis");
    assertThat(redis.getPort()).isEqualTo(6379);
    assertThat(worker.keySet())
        .as("the worker's other variables are provider credentials")
        .filteredOn(k -> !k.startsWith("PROMPTYARD_"))
        .isSubsetOf(credentialVariables());
    WorkerConfig config = WorkerConfig.from(new Settings(worker), worker);
    assertThat(config.providers())
        .allSatisfy(
            p ->
                assertThat(worker.keySet())
                    .as("the worker passes on an API key variable of %s", p)
                    .containsAnyElementsOf(
                        ModelCatalog.bundled()
                            .provider(p)
                            .map(ProviderSpec::apiKeyEnv)
                            .orElseThrow()));
  }

  @Test
  void prometheusScrapesEveryServiceThatServesMetricsAtThePortItServes() {
    JsonNode prometheus = yaml(ROOT.resolve("deploy/prometheus/prometheus.yml"));
    assertThat(services.path("prometheus").path("volumes").toString())
        .contains("./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml");
    Map<String, Set<String>> scraped = new LinkedHashMap<>();
    for (JsonNode job : prometheus.path("scrape_configs")) {
      assertThat(job.path("metrics_path").asText("/metrics")).isEqualTo("/metrics");
      for (JsonNode sd : job.path("dns_sd_configs")) {
        for (JsonNode name : sd.path("names")) {
          scraped
              .computeIfAbsent(name.asText(), n -> new HashSet<>())
              .add(sd.path("port").asText());
        }
      }
      for (JsonNode sc : job.path("static_configs")) {
        for (JsonNode target : sc.path("targets")) {
          String[] hostPort = target.asText().split(":");
          scraped.computeIfAbsent(hostPort[0], n -> new HashSet<>()).add(hostPort[1]);
        }
      }
    }
    Map<String, String> served = servedPorts();
    served.forEach(
        (service, port) ->
            assertThat(services.path(service).path("expose").toString())
                .as("%s exposes its HTTP port", service)
                .contains("\"" + port + "\""));
    assertThat(served).as("services with a metrics port").containsKey("worker");
    served.forEach(
        (service, port) ->
            assertThat(scraped.get(service))
                .as(
                    "%s serves /metrics on %s; add it to deploy/prometheus/prometheus.yml",
                    service, port)
                .containsExactly(port));
    scraped.forEach(
        (host, ports) -> {
          if (!host.equals("localhost")) {
            assertThat(served)
                .as("Prometheus scrapes %s:%s, which serves no metrics there", host, ports)
                .containsEntry(host, ports.iterator().next());
          }
        });
  }

  @Test
  void grafanaReadsThatPrometheusAndItsDashboardAsksOnlyForMetricsTheServicesExport()
      throws IOException {
    JsonNode datasources =
        yaml(ROOT.resolve("deploy/grafana/provisioning/datasources/prometheus.yml"));
    JsonNode source = datasources.path("datasources").get(0);
    assertThat(source.path("type").asText()).isEqualTo("prometheus");
    URI url = URI.create(source.path("url").asText());
    assertThat(url.getHost()).isIn(names(services));
    assertThat(services.path(url.getHost()).path("ports").toString())
        .contains(":" + url.getPort() + "\"");
    JsonNode providers =
        yaml(ROOT.resolve("deploy/grafana/provisioning/dashboards/promptyard.yml"));
    String dashboardDir = providers.path("providers").get(0).path("options").path("path").asText();
    assertThat(services.path("grafana").path("volumes").toString())
        .contains("./deploy/grafana/dashboards:" + dashboardDir)
        .contains("./deploy/grafana/provisioning:/etc/grafana/provisioning");

    JsonNode dashboard =
        JSON.readTree(ROOT.resolve("deploy/grafana/dashboards/promptyard.json").toFile());
    Set<String> exported = exportedMetrics();
    Map<String, String> exprs = new LinkedHashMap<>();
    for (JsonNode panel : dashboard.path("panels")) {
      assertThat(panel.path("datasource").path("uid").asText())
          .as(panel.path("title").asText())
          .isEqualTo(source.path("uid").asText());
      for (JsonNode target : panel.path("targets")) {
        exprs.put(
            panel.path("title").asText() + " " + target.path("refId").asText(),
            target.path("expr").asText());
      }
    }
    Map<String, String> variables = new LinkedHashMap<>();
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      variables.put(variable.path("name").asText(), variable.path("definition").asText());
      exprs.put("variable " + variable.path("name").asText(), variable.path("definition").asText());
      exprs.put(
          "variable " + variable.path("name").asText() + " query",
          variable.path("query").path("query").asText());
    }
    assertThat(exprs).hasSizeGreaterThan(15);
    exprs.forEach(
        (where, expr) ->
            assertThat(PromQlNames.of(expr))
                .as("metrics that %s asks for: %s", where, expr)
                .allSatisfy(
                    metric ->
                        assertThat(exported.contains(metric) || NOT_OURS.containsKey(metric))
                            .as("%s is exported by a Promptyard service", metric)
                            .isTrue()));

    kafkaSelectorsNameTheStacksTopics(exprs);
    assertThat(variables)
        .as("the Provider and Team selectors")
        .containsEntry("provider", "label_values(promptyard_worker_calls_seconds_count, provider)")
        .containsEntry("team", "label_values(promptyard_worker_cost_micros_total, team)");
    List<String> queries = List.copyOf(exprs.values());
    for (String quantile : List.of("0.95", "0.99")) {
      assertThat(queries)
          .as("a p%s panel of provider calls and of jobs from routing to result", quantile)
          .anyMatch(
              q ->
                  q.startsWith("histogram_quantile(" + quantile + ",")
                      && q.contains(
                          "promptyard_worker_calls_seconds_bucket{provider=~\"$provider\"}"))
          .anyMatch(
              q ->
                  q.startsWith("histogram_quantile(" + quantile + ",")
                      && q.contains("promptyard_worker_job_latency_seconds_bucket"));
    }
    assertThat(queries)
        .as("queue lag, the dead-lettered share, dead letters by service and spend per team")
        .anyMatch(
            q -> q.contains("kafka_producer_topic_record_send_total{topic=\"promptyard.dlq\"}"))
        .anyMatch(q -> q.contains("promptyard_worker_queue_lag"))
        .anyMatch(q -> q.contains("promptyard_worker_jobs_total{outcome=\"failed\"}"))
        .anyMatch(
            q ->
                q.contains("sum by (team)")
                    && q.contains("promptyard_worker_cost_micros_total{team=~\"$team\"}"));
  }

  @Test
  void alertRulesAreLoadedAndSelectOnlySeriesTheServicesExport() {
    JsonNode prometheus = yaml(ROOT.resolve("deploy/prometheus/prometheus.yml"));
    assertThat(prometheus.path("rule_files").toString()).contains("/etc/prometheus/alerts.yml");
    assertThat(services.path("prometheus").path("volumes").toString())
        .contains("./deploy/prometheus/alerts.yml:/etc/prometheus/alerts.yml");

    List<String> series = new ArrayList<>(workerScrape());
    series.addAll(usageScrape());
    Set<String> exported = exportedMetrics();

    Map<String, String> exprs = new LinkedHashMap<>();
    for (JsonNode rule : yaml(ROOT.resolve("deploy/prometheus/alerts.yml")).at("/groups/0/rules")) {
      String alert = rule.path("alert").asText();
      exprs.put(alert, rule.path("expr").asText());
      assertThat(rule.path("for").asText())
          .as("%s fires only after a while (for:)", alert)
          .matches("[1-9][0-9]*[smh]");
      assertThat(rule.path("labels").path("severity").asText())
          .as("%s's severity", alert)
          .isIn("critical", "warning", "info");
      assertThat(rule.path("annotations").path("summary").asText()).as(alert).isNotBlank();
      assertThat(rule.path("annotations").path("description").asText()).as(alert).isNotBlank();
    }
    assertThat(exprs)
        .containsKeys(
            "PromptyardQueueLagGrowing",
            "PromptyardCircuitOpen",
            "PromptyardDeadLetterRate",
            "PromptyardBudgetExceeded",
            "PromptyardRedisUnreachable");
    exprs.forEach(
        (alert, expr) ->
            assertThat(PromQlNames.of(expr))
                .as("metrics %s uses", alert)
                .isNotEmpty()
                .allSatisfy(
                    metric ->
                        assertThat(exported.contains(metric) || NOT_OURS.containsKey(metric))
                            .as("%s uses %s, which no Promptyard service exports", alert, metric)
                            .isTrue()));
    kafkaSelectorsNameTheStacksTopics(exprs);
    // promptyard_x{label="value",…}: a series of that name with each label=value pair (regular
    // expressions, =~ and !=, are not checked)
    Pattern selector = Pattern.compile("(promptyard_[a-z_]+)(?:\\{([^}]*)})?");
    Pattern equality = Pattern.compile("([a-z_]+)=\"([^\"]*)\"");
    exprs.forEach(
        (alert, expr) -> {
          Matcher m = selector.matcher(expr);
          while (m.find()) {
            String metric = m.group(1);
            List<String> pairs = new ArrayList<>();
            Matcher eq = equality.matcher(m.group(2) == null ? "" : m.group(2));
            while (eq.find()) {
              pairs.add(eq.group(1) + "=\"" + eq.group(2) + "\"");
            }
            assertThat(series)
                .as("%s asks for %s", alert, m.group())
                .anyMatch(
                    s ->
                        (s.startsWith(metric + "{") || s.startsWith(metric + " "))
                            && pairs.stream().allMatch(s::contains));
          }
        });
  }

  /**
   * Metric names a rule or a panel may use that no Promptyard service exports, each with the reason
   * it exists all the same.
   */
  private static final Map<String, String> NOT_OURS =
      Map.of(
          "up",
          "Prometheus's own series for each scrape target: 1 when its last scrape succeeded, 0 when"
              + " the service did not answer or refused the token",
          "kafka_producer_topic_record_send_total",
          "the Kafka producer's records sent, by topic, which every service's /metrics shows"
              + " (KafkaClientMetrics on the worker's producer, KafkaStreamsMetrics on the router's and"
              + " aggregator's): a series appears once a producer has sent to its topic, so no"
              + " registry built here without a broker has one");

  /**
   * The topic of every {@code kafka_*} selector in {@code exprs} is one the compose stack's
   * services name (its prefix included): a rule or panel on the Kafka clients' per-topic series
   * selects a topic that exists.
   */
  private void kafkaSelectorsNameTheStacksTopics(Map<String, String> exprs) {
    Topics topics = CommonConfig.from(new Settings(environment(services.path("worker")))).topics();
    Pattern topic = Pattern.compile("kafka_[a-z_]+\\{[^}]*\\btopic=\"([^\"]*)\"");
    exprs.forEach(
        (where, expr) -> {
          Matcher m = topic.matcher(expr);
          while (m.find()) {
            assertThat(topics.isInternal(m.group(1)))
                .as("%s selects topic %s, not one of the compose stack's", where, m.group(1))
                .isTrue();
          }
        });
  }

  /**
   * Every series name the router's, the workers' and the aggregator's /metrics show once each of
   * their meters has been used: the router's ({@link RouterMetrics}), the worker's and the
   * aggregator's own meters and the JVM's every service binds ({@link ProcessMetrics}). The Kafka
   * clients' {@code kafka_*} meters need running clients and are not here: a rule or panel on one
   * must add it to {@link #NOT_OURS}.
   */
  private static Set<String> exportedMetrics() {
    List<String> series = new ArrayList<>(workerScrape());
    series.addAll(usageScrape());
    series.addAll(routerScrape());
    return series.stream().map(l -> l.split("[{ ]")[0]).collect(Collectors.toSet());
  }

  /** The series of the router's /metrics once it has routed, rejected and guarded a request. */
  private static List<String> routerScrape() {
    PrometheusMeterRegistry router = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ProcessMetrics.bindTo(router);
    RouterMetrics metrics = RouterMetrics.of(router);
    metrics.routed(Priority.BATCH);
    metrics.rejected(Priority.BATCH, ErrorCode.CONTENT_POLICY);
    metrics.deadLettered();
    metrics.guarded(List.of(new DetectorVerdict("secret", "block", 1, 1.0)));
    return lines(router.scrape());
  }

  /** The series of the aggregator's /metrics once a budget has been exceeded. */
  private static List<String> usageScrape() {
    PrometheusMeterRegistry usage = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ProcessMetrics.bindTo(usage);
    Alert exceeded =
        Alert.newBuilder()
            .setId("search|2026-11|threshold-100")
            .setTeam("search")
            .setKind(AlertKind.THRESHOLD)
            .setPeriod("2026-11")
            .setThresholdPercent(100)
            .setSpentMicros(250_000_000L)
            .setLimitMicros(250_000_000L)
            .setMessage("search has spent its budget")
            .setRaisedAt(java.time.Instant.EPOCH)
            .build();
    new UsageMetrics(usage).alert(exceeded);
    return lines(usage.scrape());
  }

  private static List<String> lines(String scrape) {
    return scrape.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
  }

  /** The series of a worker's /metrics once each of its meters has been used. */
  private static List<String> workerScrape() {
    WorkerMetrics m = WorkerMetrics.prometheus();
    m.jobStarted();
    m.jobEnded("finished");
    m.jobEnded("failed");
    m.jobAnswered(Duration.ofSeconds(1));
    m.callCompleted("openai", null, Duration.ofMillis(120));
    m.callCompleted("openai", ErrorCode.TIMEOUT, Duration.ofSeconds(2));
    m.callRefused("openai", ErrorCode.RATE_LIMITED);
    m.cacheHit();
    m.cacheMiss();
    m.limiterWaited("openai", Duration.ofMillis(5));
    m.cost("search", "openai", 1_500);
    m.tokens("openai", "gpt-4o-mini", 100, 20);
    m.circuitState("openai", () -> CircuitState.CLOSED);
    m.lag("promptyard.route.openai", new Object(), o -> 3);
    m.rateLimiter(() -> false, () -> 0L);
    m.redisUnreachable("cache", () -> false);
    m.ledgerSkipped(() -> 0L);
    m.semanticCache("hit");
    m.redelivered();
    m.places("promptyard.route.openai", () -> 0, 8);
    return lines(m.scrape());
  }

  @Test
  void workersGetEveryCredentialVariableOfTheCatalogFromTheHostOrTheEnvFile() {
    Set<String> credentials = credentialVariables();
    JsonNode worker = services.path("worker").path("environment");
    for (String name : credentials) {
      assertThat(worker.path(name).asText())
          .as("the worker's %s comes from the host's variable or .env, empty when unset", name)
          .isEqualTo("${" + name + ":-}");
    }
    assertThat(
            read(ROOT.resolve("deploy/provider-keys.env.example"))
                .lines()
                .filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> l.substring(0, l.indexOf('=')))
                .collect(Collectors.toSet()))
        .as("deploy/provider-keys.env.example")
        .isEqualTo(credentials);
    assertThat(read(ROOT.resolve(".gitignore")).lines())
        .as("keys stay out of git")
        .contains(".env");
  }

  @Test
  void everyServiceWithAnHttpPortHasAHealthCheckOnItsHealthEndpoint() {
    Map<String, String> ports = servedPorts();
    assertThat(ports).containsOnlyKeys(SERVICES.keySet());
    ports.forEach(
        (service, port) ->
            assertThat(services.path(service).path("healthcheck").path("test").toString())
                .as("%s's health check", service)
                .contains("/dev/tcp/localhost/" + port, "GET /health ", "' 200 '"));
    assertThat(services.path("kafka").has("healthcheck")).isTrue();
    assertThat(services.path("redis").has("healthcheck")).isTrue();
  }

  @Test
  void redisEvictsColdKeysWithATtlAtItsMemoryLimitInsteadOfRefusingWrites() {
    List<String> command = new ArrayList<>();
    services.path("redis").path("command").forEach(c -> command.add(c.asText()));
    String maxmemory = command.get(command.indexOf("--maxmemory") + 1);
    assertThat(command.get(command.indexOf("--maxmemory-policy") + 1)).isEqualTo("volatile-lru");
    assertThat(megabytes(services.path("redis").path("mem_limit").asText()))
        .as("the container's limit is above Redis's own")
        .isGreaterThan(megabytes(maxmemory));
  }

  /** The port each Promptyard service serves HTTP on (its *_HTTP_PORT key), by service. */
  private Map<String, String> servedPorts() {
    Map<String, String> served = new LinkedHashMap<>();
    for (var service : SERVICES.entrySet()) {
      Map<String, String> env = environment(services.path(service.getKey()));
      for (ConfigKey key : service.getValue()) {
        if (key.name().endsWith("_HTTP_PORT")) {
          served.put(service.getKey(), new Settings(env).get(key).orElseThrow());
        }
      }
    }
    return served;
  }

  /**
   * The API key variables the bundled catalog names, Azure's Entra ID token and the AWS secret and
   * session token that go with AWS_ACCESS_KEY_ID.
   */
  private static Set<String> credentialVariables() {
    Set<String> credentials = new HashSet<>();
    ModelCatalog.bundled().providers().forEach(p -> credentials.addAll(p.apiKeyEnv()));
    credentials.addAll(
        List.of(
            BedrockProvider.SECRET_ACCESS_KEY,
            BedrockProvider.SESSION_TOKEN,
            "AZURE_OPENAI_AD_TOKEN"));
    return credentials;
  }

  private static long megabytes(String size) {
    Matcher m = Pattern.compile("(\\d+)([mg])b?").matcher(size.toLowerCase(java.util.Locale.ROOT));
    assertThat(m.matches()).as("a size in mb or gb: %s", size).isTrue();
    return Long.parseLong(m.group(1)) * (m.group(2).equals("g") ? 1024 : 1);
  }

  private void parse(String service, Map<String, String> env) {
    Settings s = new Settings(env);
    switch (service) {
      case "router" -> RouterConfig.from(s);
      case "worker" -> WorkerConfig.from(s, env);
      case "usage-aggregator" -> {
        AggregatorConfig config = AggregatorConfig.from(s);
        assertThat(config.stateDir().toString())
            .isEqualTo(services.path(service).path("volumes").get(0).asText().split(":")[1]);
        assertThat(config.advertisedHost())
            .as("peers forward queries to the aggregator by its compose name")
            .isEqualTo(service);
      }
      default -> throw new IllegalArgumentException(service);
    }
  }

  /** A service's environment as the container sees it with no variables set on the host. */
  private static Map<String, String> environment(JsonNode service) {
    Map<String, String> env = new LinkedHashMap<>();
    service
        .path("environment")
        .properties()
        .forEach(e -> env.put(e.getKey(), e.getValue().asText()));
    env.replaceAll(
        (k, v) ->
            VARIABLE
                .matcher(v)
                .replaceAll(r -> r.group(2) == null ? "" : Matcher.quoteReplacement(r.group(2))));
    return env;
  }

  private static Map<String, String> listeners(String spec) {
    Map<String, String> byName = new LinkedHashMap<>();
    for (String l : spec.split(",")) {
      String[] parts = l.split("://");
      byName.put(parts[0], parts[1]);
    }
    return byName;
  }

  private static String port(String hostPort) {
    return hostPort.substring(hostPort.lastIndexOf(':') + 1);
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** A YAML file read as Compose reads it (anchors, aliases and {@code <<} merge keys resolved). */
  private static JsonNode yaml(Path file) {
    try {
      Object document =
          new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
      JsonNode node = JSON.valueToTree(document);
      assertThat(node).as("%s is a YAML mapping", file).isInstanceOf(ObjectNode.class);
      return node;
    } catch (IOException | YAMLException e) {
      throw new AssertionError(file + " is not valid YAML: " + e.getMessage(), e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
