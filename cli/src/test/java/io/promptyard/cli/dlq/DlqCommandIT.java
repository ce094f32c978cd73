package io.promptyard.cli.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.cli.Main;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.ModelRef;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.results.TerminalResults;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.RecordHeaders;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.KafkaBrokerExtension;
import io.promptyard.testkit.kafka.TopicContents;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * {@code promptyard dlq list|show|replay} on the in-process broker, with dead letters as the worker
 * and router write them.
 */
@ExtendWith(KafkaBrokerExtension.class)
class DlqCommandIT {

  /**
   * What the command takes for now: relative times such as {@code --since 1h} count back from it.
   */
  private static final Instant NOW = Instant.parse("2027-01-01T00:20:00Z");

  private static final AvroSerde<RoutedRequest> ROUTED = AvroSerde.of(RoutedRequest.class);
  private static final AvroSerde<DeadLetter> LETTERS = AvroSerde.of(DeadLetter.class);

  private final EmbeddedKafka kafka;

  /** Each test has its own topics, under its own prefix. */
  private Topics topics;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  DlqCommandIT(EmbeddedKafka kafka) {
    this.kafka = kafka;
  }

  @BeforeEach
  void ownTopics() {
    topics = new Topics("dlqtest" + UUID.randomUUID().toString().substring(0, 8) + ".");
    try (var admin = kafka.admin()) {
      new TopicProvisioner(1, (short) 1)
          .ensure(
              admin,
              List.of(
                  topics.deadLetters(),
                  topics.route("openai"),
                  topics.route("anthropic"),
                  topics.requestsJson(),
                  topics.requests(),
                  topics.replays(),
                  topics.audit()));
    }
  }

  @Test
  void listFiltersByErrorCodeProviderTeamAndTime() {
    Instant now = NOW;
    publish(
        letter("r1", "search", "openai", ErrorCode.RATE_LIMITED, now.minus(Duration.ofHours(3))));
    publish(
        letter(
            "r2",
            "search",
            "anthropic",
            ErrorCode.RATE_LIMITED,
            now.minus(Duration.ofMinutes(30))));
    publish(
        letter(
            "r3",
            "finance",
            "openai",
            ErrorCode.AUTHENTICATION,
            now.minus(Duration.ofMinutes(10))));
    publish(
        letter(
            "r4", "search", "openai", ErrorCode.CONTENT_POLICY, now.minus(Duration.ofMinutes(5))));

    assertThat(requestIdsListed("--code", "rate_limited")).containsExactly("r1", "r2");
    assertThat(requestIdsListed("--provider", "openai", "--team", "search"))
        .containsExactly("r1", "r4");
    assertThat(requestIdsListed("--since", "1h")).containsExactly("r2", "r3", "r4");
    assertThat(
            requestIdsListed(
                "--since", "1h", "--until", now.minus(Duration.ofMinutes(7)).toString()))
        .containsExactly("r2", "r3");
    assertThat(requestIdsListed("--code", "RATE_LIMITED,CONTENT_POLICY", "--provider", "openai"))
        .containsExactly("r1", "r4");
    assertThat(err.toString()).contains("2 dead letter(s) match");
  }

  @Test
  void showPrintsTheErrorTheOriginAndTheDecodedOriginalRequest() {
    publish(letter("r-show", "search", "openai", ErrorCode.CONTEXT_TOO_LONG, NOW));

    int exit = run("dlq", "show", "--id", "r-show");

    assertThat(exit).isZero();
    assertThat(out.toString())
        .contains(
            "\"error_code\" : \"CONTEXT_TOO_LONG\"",
            "\"topic\" : \"" + topics.route("openai") + "\"",
            "\"value_type\" : \"RoutedRequest\"",
            "Question r-show",
            "\"trace-id\" : \"trace-r-show\"");
  }

  @Test
  void positionsAsListPrintsThemSelectLetters() {
    publish(letter("p0", "search", "openai", ErrorCode.TIMEOUT, NOW));
    publish(letter("p1", "search", "openai", ErrorCode.TIMEOUT, NOW));
    publish(letter("p2", "search", "openai", ErrorCode.TIMEOUT, NOW));

    assertThat(requestIdsListed("0@0", "0@2")).containsExactly("p0", "p2");
    assertThat(run("dlq", "show", "0@1")).isZero();
    assertThat(out.toString())
        .contains("\"request_id\" : \"p1\"")
        .doesNotContain("\"p0\"", "\"p2\"");
    assertThat(run("dlq", "show", "zero@one")).isEqualTo(1);
    assertThat(err.toString()).contains("position zero@one should look like 0@17");
  }

  @Test
  void aWorkersLetterIsSentBackThroughTheRouterAsItsRequestMarkedAsAReplay() {
    DeadLetter letter = letter("r-orig", "search", "openai", ErrorCode.OVERLOADED, NOW);
    publish(letter);

    int exit = run("dlq", "replay", "--id", "r-orig");

    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString()).contains("1 dead letter(s) replayed");
    assertThat(readAll(topics.route("openai"))).as("no route topic, past the router").isEmpty();
    List<ConsumerRecord<byte[], byte[]>> replayed = readAll(topics.replays());
    assertThat(replayed).hasSize(1);
    ConsumerRecord<byte[], byte[]> r = replayed.getFirst();
    assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("r-orig");
    RoutedRequest job = ROUTED.decode(r.value());
    assertThat(job.getRequest()).isEqualTo(ROUTED.decode(letter.getValue().array()).getRequest());
    assertThat(job.getAttempts())
        .as("the attempt history stays, so usage event ids stay unique")
        .hasSize(1);
    assertThat(header(r, "trace-id")).isEqualTo("trace-r-orig");
    assertThat(header(r, RecordHeaders.REPLAY))
        .matches(
            java.util.regex.Pattern.quote(topics.deadLetters() + "/0@0 at ")
                + "\\d{4}-\\d\\d-\\d\\dT.*Z");
  }

  @Test
  void aChosenProviderIsAPinOnTheRequestAndOverridesApply() {
    publish(letter("r-move", "search", "openai", ErrorCode.OVERLOADED, NOW));

    int exit =
        run(
            "dlq",
            "replay",
            "--provider",
            "openai",
            "--to-provider",
            "anthropic",
            "--set",
            "max_tokens=512",
            "--set",
            "temperature=0");

    assertThat(exit).as(err.toString()).isZero();
    assertThat(readAll(topics.route("anthropic"))).isEmpty();
    List<ConsumerRecord<byte[], byte[]>> moved = readAll(topics.replays());
    assertThat(moved).hasSize(1);
    CompletionRequest request = ROUTED.decode(moved.getFirst().value()).getRequest();
    assertThat(request.getId()).isEqualTo("r-move");
    assertThat(request.getRouting().getPinnedModel())
        .as("the job's fallback entry at that provider")
        .isEqualTo("anthropic/claude-haiku-4-5");
    assertThat(request.getParameters().getMaxTokens()).isEqualTo(512);
    assertThat(request.getParameters().getTemperature()).isEqualTo(0.0);
    assertThat(header(moved.getFirst(), RecordHeaders.REPLAY)).isNotNull();
  }

  @Test
  void overridesChangeIngressRecordsReplayedToTheirTopicWhetherJsonOrAvro() throws Exception {
    byte[] json =
        "{\"model\":\"cheap\",\"max_tokens\":4000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"metadata\":{\"team\":\"search\"}}"
            .getBytes(StandardCharsets.UTF_8);
    publish(
        TerminalResults.deadLetter(
                topics.requestsJson(),
                0,
                1,
                "j1".getBytes(StandardCharsets.UTF_8),
                json,
                null,
                ErrorCode.INTERNAL,
                "router failed")
            .setRequestId("j1")
            .build());
    CompletionRequest avro =
        CompletionRequest.newBuilder()
            .setId("a1")
            .setTeam("search")
            .setModel("cheap")
            .setMessages(List.of(Message.newBuilder().setRole(Role.USER).setText("hi").build()))
            .build();
    publish(
        TerminalResults.deadLetter(
                topics.requests(),
                0,
                2,
                "a1".getBytes(StandardCharsets.UTF_8),
                AvroSerde.of(CompletionRequest.class).encode(avro),
                null,
                ErrorCode.INTERNAL,
                "router failed")
            .setRequestId("a1")
            .build());

    assertThat(
            run(
                "dlq",
                "replay",
                "--code",
                "INTERNAL",
                "--set",
                "max_tokens=5",
                "--set",
                "stop=END,STOP"))
        .as(err.toString())
        .isZero();

    var jsonBody =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(readAll(topics.requestsJson()).getFirst().value());
    assertThat(jsonBody.path("max_tokens").asInt()).isEqualTo(5);
    assertThat(jsonBody.path("stop").toString()).isEqualTo("[\"END\",\"STOP\"]");
    assertThat(jsonBody.path("metadata").path("team").asText()).isEqualTo("search");
    CompletionRequest replayed =
        AvroSerde.of(CompletionRequest.class).decode(readAll(topics.requests()).getFirst().value());
    assertThat(replayed.getParameters().getMaxTokens()).isEqualTo(5);
    assertThat(replayed.getParameters().getStop()).containsExactly("END", "STOP");
    assertThat(replayed.getId()).isEqualTo("a1");
  }

  @Test
  void dryRunSaysWhatWouldBeReplayedAndPublishesNothing() {
    publish(letter("r-dry", "search", "openai", ErrorCode.TIMEOUT, NOW));

    int exit = run("dlq", "replay", "--code", "TIMEOUT", "--to-provider", "anthropic", "--dry-run");

    assertThat(exit).isZero();
    assertThat(out.toString())
        .contains(
            "would replay 0@0 (request r-dry, TIMEOUT) through the router via "
                + topics.replays()
                + ", pinned to anthropic/claude-haiku-4-5",
            "nothing was published");
    assertThat(readAll(topics.replays())).isEmpty();
  }

  @Test
  void replayWithoutAnyFilterRefusesUnlessAllIsGiven() {
    publish(letter("r-all", "search", "openai", ErrorCode.TIMEOUT, NOW));

    assertThat(run("dlq", "replay")).isEqualTo(1);
    assertThat(err.toString())
        .contains("say which dead letters to replay")
        .doesNotContain("Exception", "\tat ");
    assertThat(readAll(topics.replays())).isEmpty();

    assertThat(run("dlq", "replay", "--all")).isZero();
    assertThat(readAll(topics.replays())).hasSize(1);
  }

  @Test
  void aLetterThatCannotGoWhereAskedStopsTheWholeReplayBeforeAnythingIsPublished() {
    publish(letter("r-ok", "search", "openai", ErrorCode.TIMEOUT, NOW));
    // the router's dead letter for undecodable bytes on the JSON ingress topic: never routed
    DeadLetter raw =
        TerminalResults.deadLetter(
                topics.requestsJson(),
                0,
                3,
                null,
                "{not json".getBytes(StandardCharsets.UTF_8),
                null,
                ErrorCode.UNDECODABLE,
                "not JSON")
            .setRequestId("r-raw")
            .setProvider("openai")
            .build();
    publish(raw);

    int exit = run("dlq", "replay", "--provider", "openai", "--to-provider", "anthropic");

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString().strip())
        .contains("0@1 (request r-raw)", "never routed", "replay it without --to-provider")
        .doesNotContain("\n");
    assertThat(readAll(topics.replays())).isEmpty();
  }

  @Test
  void badOverridesAndUnknownProvidersAreOneLineErrors() {
    publish(letter("r-bad", "search", "openai", ErrorCode.TIMEOUT, NOW));

    assertThat(run("dlq", "replay", "--id", "r-bad", "--set", "max_tokens=lots")).isEqualTo(1);
    assertThat(run("dlq", "replay", "--id", "r-bad", "--set", "colour=blue")).isEqualTo(1);
    assertThat(run("dlq", "replay", "--id", "r-bad", "--set", "top_p=0")).isEqualTo(1);
    assertThat(run("dlq", "replay", "--id", "r-bad", "--to-provider", "nosuch")).isEqualTo(1);
    assertThat(run("dlq", "list", "--code", "NOPE")).isEqualTo(1);

    assertThat(err.toString().lines())
        .containsExactly(
            "promptyard dlq replay: --set max_tokens=lots: not a number",
            "promptyard dlq replay: --set colour: unknown parameter; use one of [max_tokens, temperature, top_p, seed, stop, tool_choice]",
            "promptyard dlq replay: --set top_p=0: top_p 0.0 is outside (0, 1], so the router would reject it",
            err.toString().lines().toList().get(3),
            err.toString().lines().toList().get(4));
    assertThat(err.toString().lines().toList().get(3))
        .startsWith("promptyard dlq replay: provider nosuch is not in the catalog");
    assertThat(err.toString().lines().toList().get(4))
        .startsWith("promptyard dlq list: --code NOPE is not an error code");
    assertThat(readAll(topics.replays())).isEmpty();
  }

  private List<String> requestIdsListed(String... filters) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    List<String> args = new ArrayList<>(List.of("dlq", "list"));
    args.addAll(List.of(filters));
    assertThat(run(args.toArray(String[]::new))).as(err.toString()).isZero();
    return out.toString().lines().skip(1).map(l -> l.split("\\s+")[5]).toList();
  }

  private int run(String... args) {
    CommandLine cli =
        Main.commandLine(
            Map.of(
                "PROMPTYARD_BOOTSTRAP_SERVERS",
                kafka.bootstrapServers(),
                "PROMPTYARD_TOPIC_PREFIX",
                topics.prefix(),
                "HOME",
                "/nonexistent"),
            Clock.fixed(NOW, ZoneOffset.UTC));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  /** A dead letter as the worker writes it for a job that failed at {@code provider}. */
  private DeadLetter letter(String id, String team, String provider, ErrorCode code, Instant at) {
    CompletionRequest request =
        CompletionRequest.newBuilder()
            .setId(id)
            .setTeam(team)
            .setModel("cheap")
            .setMessages(
                List.of(Message.newBuilder().setRole(Role.USER).setText("Question " + id).build()))
            .setParameters(Parameters.newBuilder().setMaxTokens(64).build())
            .build();
    RoutingDecision decision =
        RoutingDecision.newBuilder()
            .setProvider(provider)
            .setModel("gpt-4o-mini")
            .setFallbackChain(
                List.of(
                    new ModelRef("anthropic", "claude-haiku-4-5"),
                    new ModelRef("gemini", "gemini-3.5-flash")))
            .setRoutedAt(at)
            .build();
    RoutedRequest job =
        RoutedRequest.newBuilder()
            .setRequest(request)
            .setDecision(decision)
            .setAttempts(
                List.of(
                    io.promptyard.schemas.Attempt.newBuilder()
                        .setProvider(provider)
                        .setModel("gpt-4o-mini")
                        .setStartedAt(at)
                        .setFinishedAt(at)
                        .setErrorCode(code)
                        .build()))
            .build();
    var headers = new org.apache.kafka.common.header.internals.RecordHeaders();
    headers.add("trace-id", ("trace-" + id).getBytes(StandardCharsets.UTF_8));
    return TerminalResults.deadLetter(
            topics.route(provider),
            0,
            7,
            null,
            ROUTED.encode(job),
            headers,
            code,
            code + " at " + provider)
        .setRequestId(id)
        .setTeam(team)
        .setProvider(provider)
        .setAttempts(1)
        .setDeadLetteredAt(at)
        .build();
  }

  private void publish(DeadLetter letter) {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  topics.deadLetters(), 0, letter.getRequestId(), LETTERS.encode(letter)))
          .get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    return TopicContents.readAll(kafka.bootstrapServers(), topic);
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
    Header h = r.headers().lastHeader(key);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
