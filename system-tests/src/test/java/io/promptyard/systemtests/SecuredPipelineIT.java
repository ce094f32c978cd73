package io.promptyard.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import io.promptyard.client.batch.ResultCollector;
import io.promptyard.dev.DevStack;
import io.promptyard.dev.TeamTotals;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.acls.Acls;
import io.promptyard.schemas.config.KafkaClientProperties;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.InProcessBrokerOnly;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline on a broker that takes only SASL_SSL (SCRAM-SHA-512) and allows nothing
 * without an ACL: router, worker and aggregator each log in as a user of their own, configured
 * through a {@code PROMPTYARD_KAFKA_CONFIG} file, with only the ACLs {@code promptyard topics acls}
 * applies for them; the operator creates the topics and submits and reads through the CLI's {@code
 * --command-config}. Clients without credentials or without ACLs are refused, a team can write to
 * its own ingress topics only, and no password reaches a log line.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@InProcessBrokerOnly(
    "a SASL_SSL broker with SCRAM users and ACLs, which the container does not offer")
class SecuredPipelineIT {

  private static final int JOBS = 30;
  private static final int STALE_JOBS = 5;
  private static final String API_KEY = "sk-secured-" + UUID.randomUUID();
  private static final Topics TOPICS = Topics.defaults();

  private static EmbeddedKafka kafka;
  private static DevStack stack;
  private static Path dir;
  private static Path catalog;
  private static final Map<String, String> passwords = new HashMap<>();
  private static final CapturedLog logs = new CapturedLog();

  @BeforeAll
  static void startSecuredStack(@TempDir Path tempDir) throws Exception {
    dir = tempDir;
    logs.attach();
    kafka = EmbeddedKafka.startSecured();
    for (String user :
        List.of("operator", "router", "worker", "aggregator", "alpha", "beta", "stranger")) {
      passwords.put(user, "pw-" + user + "-" + UUID.randomUUID());
      kafka.addUser(user, passwords.get(user));
      writeProperties(user, kafka.clientProperties(user, passwords.get(user)));
    }
    writeProperties("admin", kafka.adminProperties());
    catalog = ReplayCatalog.write(dir);

    // The super user creates the topics (the audit topic among them, which every later operator
    // action is recorded on) and lets the operator manage ACLs; the operator grants the services
    // and teams theirs.
    cliOk(
        "admin",
        "topics",
        "create",
        "--providers",
        ReplayCatalog.GOOD + "," + ReplayCatalog.STALE,
        "--catalog",
        catalog.toString(),
        "--partitions",
        "3");
    cliOk(
        "admin",
        "topics",
        "acls",
        "--service",
        "operator",
        "--principal",
        "User:operator",
        "--apply");
    awaitAcls(Acls.of(TOPICS).forRole(Acls.Role.OPERATOR, "User:operator", "").size());
    grant("router", DevStack.ROUTER_APPLICATION_ID);
    grant("worker", DevStack.WORKER_GROUP);
    grant("aggregator", DevStack.AGGREGATOR_APPLICATION_ID);
    for (String team : List.of("alpha", "beta")) {
      cliOk("operator", "topics", "acls", "--team", team, "--principal", "User:" + team, "--apply");
    }
    try (Admin admin = kafka.admin()) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(teamIngress("alpha"), 1, (short) 1),
                  new NewTopic(teamIngress("beta"), 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    awaitAcls(expectedAclCount());

    stack =
        DevStack.startOn(
            kafka,
            ReplayCatalog.options(catalog, API_KEY),
            new DevStack.ServiceClients(
                serviceProperties("router"),
                serviceProperties("worker"),
                serviceProperties("aggregator")));
  }

  @AfterAll
  static void stop() {
    try {
      if (stack != null) {
        stack.close();
      }
    } finally {
      if (kafka != null) {
        kafka.close();
      }
      logs.detach();
    }
  }

  @Test
  @Order(1)
  void everyRequestGetsItsResultAndTheUsageTotalsAddUp() throws Exception {
    String batch = "secured-" + UUID.randomUUID().toString().substring(0, 8);
    Path input = dir.resolve("batch.jsonl");
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < JOBS; i++) {
      lines.append(
          """
          {"custom_id": "q%d", "method": "POST", "url": "/v1/chat/completions", \
          "body": {"model": "%s/sim-mini", "max_tokens": 16, \
          "messages": [{"role": "user", "content": "Question %d"}]}, "team": "%s"}
          """
              .formatted(
                  i, ReplayCatalog.GOOD, i, i % 2 == 0 ? "alpha-" + batch : "beta-" + batch));
    }
    Files.writeString(input, lines);

    cliOk("operator", "submit", input.toString(), "--batch-id", batch);

    Map<String, CompletionResult> results;
    try (ResultCollector collector =
        new ResultCollector(operatorClientConfig(), TOPICS.results())) {
      results =
          collector.collect(
              r -> batch.equals(r.getBatchId()), JOBS, Duration.ofMinutes(2), r -> {});
    }
    assertThat(results).hasSize(JOBS);
    assertThat(results.values()).allMatch(r -> r.getStatus() == ResultStatus.SUCCEEDED);
    Map<String, TeamTotals> expected = TeamTotals.fromResults(results.values());
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(
                        TeamTotals.fromAggregates(stack.usage().teamDailyTotals())
                            .entrySet()
                            .stream()
                            .filter(e -> expected.containsKey(e.getKey()))
                            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)))
                    .isEqualTo(expected));

    CliRun printed = cli("operator", "results", "--batch", batch);
    assertThat(printed.exit()).as(printed.err()).isZero();
    assertThat(printed.out().lines()).hasSize(JOBS);
  }

  @Test
  @Order(2)
  void deadLettersTheOperatorReplaysComplete() throws Exception {
    String batch = "stale-" + UUID.randomUUID().toString().substring(0, 8);
    String team = "team-" + batch;
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < STALE_JOBS; i++) {
      lines.append(
          """
          {"custom_id": "q%d", "method": "POST", "url": "/v1/chat/completions", \
          "body": {"model": "%s/sim-mini", "max_tokens": 16, \
          "messages": [{"role": "user", "content": "Question %d"}]}, "team": "%s"}
          """
              .formatted(i, ReplayCatalog.STALE, i, team));
    }
    Path input = dir.resolve("stale.jsonl");
    Files.writeString(input, lines);
    cliOk("operator", "submit", input.toString(), "--batch-id", batch);
    await()
        .atMost(Duration.ofMinutes(1))
        .until(
            () ->
                cli("operator", "dlq", "list", "--team", team).out().lines().skip(1).count()
                    == STALE_JOBS);

    cliOk(
        "operator",
        "dlq",
        "replay",
        "--team",
        team,
        "--code",
        "AUTHENTICATION",
        "--to-provider",
        ReplayCatalog.GOOD,
        "--catalog",
        catalog.toString());

    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () -> {
              try (ResultCollector collector =
                  new ResultCollector(operatorClientConfig(), TOPICS.results())) {
                assertThat(collector.collectToEnd(r -> batch.equals(r.getBatchId())).values())
                    .hasSize(STALE_JOBS)
                    .allMatch(r -> r.getStatus() == ResultStatus.SUCCEEDED);
              }
            });
  }

  @Test
  @Order(3)
  void aClientWithoutCredentialsIsRefused() throws Exception {
    Path plaintext = dir.resolve("plaintext.properties");
    Files.writeString(plaintext, "default.api.timeout.ms=5000\nrequest.timeout.ms=3000\n");
    CliRun noCredentials = cliWith(plaintext, "results", "--batch", "any");
    assertThat(noCredentials.exit()).isNotZero();
    assertThat(noCredentials.err())
        .contains("did not answer in time")
        .contains("security.protocol");

    Map<String, Object> wrong =
        new HashMap<>(kafka.clientProperties("operator", "not-the-password"));
    writeProperties("wrong", wrong);
    CliRun wrongPassword = cli("wrong", "results", "--batch", "any");
    assertThat(wrongPassword.exit()).isNotZero();
    assertThat(wrongPassword.err()).contains("Kafka refused the login", "Authentication failed");
  }

  @Test
  @Order(4)
  void aUserWithCredentialsButNoAclCannotReadResults() {
    CliRun stranger = cli("stranger", "results", "--batch", "any");

    assertThat(stranger.exit()).isNotZero();
    assertThat(stranger.err())
        .contains("Not authorized", TOPICS.results(), "promptyard topics acls");
  }

  @Test
  @Order(5)
  void aTeamWritesToItsOwnIngressTopicOnlyAndNeverToAnotherTeams() throws Exception {
    assertThat(send("alpha", teamIngress("alpha"))).isNotNull();

    assertThatThrownBy(() -> send("alpha", teamIngress("beta")))
        .isInstanceOf(TopicAuthorizationException.class);
    assertThatThrownBy(() -> send("alpha", TOPICS.requestsJson()))
        .isInstanceOf(TopicAuthorizationException.class);
  }

  @Test
  @Order(99)
  void noPasswordAppearsInAnyLogLine() {
    assertThat(logs.lines()).as("log events captured").isNotEmpty();
    List<String> secrets = new ArrayList<>(passwords.values());
    secrets.add(API_KEY);
    for (String password : secrets) {
      assertThat(logs.lines()).noneMatch(l -> l.contains(password));
    }
  }

  private static String teamIngress(String team) {
    return TOPICS.teamRequests(team);
  }

  private static void grant(String service, String id) {
    cliOk(
        "operator",
        "topics",
        "acls",
        "--service",
        service,
        "--id",
        id,
        "--principal",
        "User:" + service,
        "--apply");
  }

  private static int expectedAclCount() {
    Acls acls = Acls.of(TOPICS);
    return acls.forRole(Acls.Role.OPERATOR, "User:operator", "").size()
        + acls.forRole(Acls.Role.ROUTER, "User:router", DevStack.ROUTER_APPLICATION_ID).size()
        + acls.forRole(Acls.Role.WORKER, "User:worker", DevStack.WORKER_GROUP).size()
        + acls.forRole(Acls.Role.AGGREGATOR, "User:aggregator", DevStack.AGGREGATOR_APPLICATION_ID)
            .size()
        + acls.forTeam("alpha", "User:alpha").size()
        + acls.forTeam("beta", "User:beta").size();
  }

  /** ACLs reach the broker's authorizer through its metadata log, shortly after they are made. */
  private static void awaitAcls(int count) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              try (Admin admin = kafka.admin()) {
                return admin
                        .describeAcls(AclBindingFilter.ANY)
                        .values()
                        .get(30, TimeUnit.SECONDS)
                        .size()
                    >= count;
              }
            });
  }

  private static Object send(String user, String topic) throws Exception {
    Map<String, Object> config = new HashMap<>(kafka.clientProperties(user, passwords.get(user)));
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      return producer.send(new ProducerRecord<>(topic, "k", "{}")).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  private static Map<String, Object> operatorClientConfig() {
    Map<String, Object> config =
        new HashMap<>(kafka.clientProperties("operator", passwords.get("operator")));
    config.put("bootstrap.servers", kafka.bootstrapServers());
    return config;
  }

  /**
   * A service's client properties as it reads them: from the file PROMPTYARD_KAFKA_CONFIG names.
   */
  private static KafkaClientProperties serviceProperties(String user) {
    return KafkaClientProperties.from(
        Map.of(KafkaClientProperties.CONFIG.name(), file(user).toString()));
  }

  private static Path file(String user) {
    return dir.resolve(user + ".properties");
  }

  private static void writeProperties(String user, Map<String, Object> values) throws IOException {
    Properties p = new Properties();
    values.forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
    try (Writer out = Files.newBufferedWriter(file(user))) {
      p.store(out, null);
    }
  }

  private static void cliOk(String user, String... args) {
    CliRun result = cli(user, args);
    assertThat(result.exit()).as(String.join(" ", args) + ": " + result.err()).isZero();
  }

  private static CliRun cli(String user, String... args) {
    return cliWith(file(user), args);
  }

  /** The CLI as an operator runs it: {@code --command-config FILE}. */
  private static CliRun cliWith(Path commandConfig, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--command-config");
    all.add(commandConfig.toString());
    return CliRun.run(kafka.bootstrapServers(), all.toArray(String[]::new));
  }

  /** Every log event of the JVM while the class runs, message, arguments and stack trace. */
  private static final class CapturedLog extends AppenderBase<ILoggingEvent> {
    private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();

    void attach() {
      LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
      setContext(context);
      start();
      context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(this);
    }

    void detach() {
      LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
      context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(this);
    }

    @Override
    protected void append(ILoggingEvent e) {
      StringBuilder line = new StringBuilder(e.getFormattedMessage());
      if (e.getArgumentArray() != null) {
        for (Object arg : e.getArgumentArray()) {
          line.append(' ').append(arg);
        }
      }
      if (e.getThrowableProxy() != null) {
        line.append(' ').append(ThrowableProxyUtil.asString(e.getThrowableProxy()));
      }
      lines.add(line.toString());
    }

    List<String> lines() {
      return List.copyOf(lines);
    }
  }
}
