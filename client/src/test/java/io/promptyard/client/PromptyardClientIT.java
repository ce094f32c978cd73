package io.promptyard.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.results.TerminalResults;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.templates.TemplateDirectory;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.KafkaBrokerExtension;
import io.promptyard.testkit.kafka.TopicContents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against a real (in-process) broker, with a responder standing in for router and
 * worker.
 */
@ExtendWith(KafkaBrokerExtension.class)
class PromptyardClientIT {

  private static final Topics TOPICS = new Topics("client-test.");
  private final List<AutoCloseable> open = new ArrayList<>();
  private String bootstrap;

  @BeforeAll
  static void createTopics(EmbeddedKafka kafka) {
    try (var admin = kafka.admin()) {
      new TopicProvisioner(3, (short) 1)
          .ensure(admin, List.of(TOPICS.requests(), TOPICS.results(), TOPICS.chunks()));
    }
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
  }

  private PromptyardClient client(EmbeddedKafka kafka, int maxOutstanding, Duration timeout) {
    bootstrap = kafka.bootstrapServers();
    PromptyardClient client =
        PromptyardClient.builder()
            .bootstrapServers(bootstrap)
            .topicPrefix(TOPICS.prefix())
            .clientId("client-test")
            .defaultTeam("client-test-team")
            .timeout(timeout)
            .maxOutstanding(maxOutstanding)
            .build();
    open.add(client);
    return client;
  }

  private Responder responder(
      EmbeddedKafka kafka, BiConsumer<Responder, CompletionRequest> behaviour) {
    Responder r = new Responder(kafka.bootstrapServers(), TOPICS, behaviour);
    open.add(r);
    return r;
  }

  private static CompletionRequest ask(String text) {
    return CompletionRequests.builder().model("cheap").user(text).build();
  }

  @Test
  void eachSubmitGetsItsOwnResultEvenWhenResultsComeBackInAnotherOrder(EmbeddedKafka kafka)
      throws Exception {
    List<CompletionRequest> held = new CopyOnWriteArrayList<>();
    responder(
        kafka,
        (r, request) -> {
          held.add(request);
          if (held.size()
              == 5) { // answer all five in reverse order, with someone else's result in between
            r.result(
                Responder.succeeded(
                    CompletionRequest.newBuilder(request).setId("not-ours").build(), "stranger"));
            for (CompletionRequest h : held.reversed()) {
              r.result(Responder.succeeded(h, "answer to " + h.getMessages().getFirst().getText()));
            }
          }
        });
    PromptyardClient client = client(kafka, 10, Duration.ofSeconds(60));

    List<CompletableFuture<CompletionResult>> futures =
        IntStream.range(0, 5).mapToObj(i -> client.submit(ask("question " + i))).toList();

    for (int i = 0; i < 5; i++) {
      CompletionResult result = futures.get(i).get(60, TimeUnit.SECONDS);
      assertThat(result.getOutput().getText()).isEqualTo("answer to question " + i);
      assertThat(result.getTeam()).isEqualTo("client-test-team");
    }
  }

  @Test
  void aClientBuiltForATeamTopicPublishesThereAsThatTeam(EmbeddedKafka kafka) {
    try (var admin = kafka.admin()) {
      new TopicProvisioner(1, (short) 1).ensure(admin, List.of(TOPICS.teamRequests("finance")));
    }
    PromptyardClient client =
        PromptyardClient.builder()
            .bootstrapServers(kafka.bootstrapServers())
            .topicPrefix(TOPICS.prefix())
            .teamTopic("finance")
            .timeout(Duration.ofSeconds(1))
            .build();
    open.add(client);

    client.submit(CompletionRequests.builder().id("fin-1").model("cheap").user("hi").build());

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        TopicContents.readAllWithStringKeys(
                            kafka.bootstrapServers(), TOPICS.teamRequests("finance")))
                    .extracting(
                        r ->
                            r.key()
                                + " "
                                + AvroSerde.of(CompletionRequest.class).decode(r.value()).getTeam())
                    .containsExactly("fin-1 finance"));
  }

  @Test
  void aRequestWithoutResultTimesOutNamingTheRequest(EmbeddedKafka kafka) {
    responder(kafka, (r, request) -> {});
    PromptyardClient client = client(kafka, 10, Duration.ofSeconds(2));

    CompletableFuture<CompletionResult> f =
        client.submit(CompletionRequests.builder().id("lost-1").model("cheap").user("hi").build());

    assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(TimeoutException.class)
        .hasMessageContaining("lost-1");
  }

  @Test
  void eachInstanceReadsOnlyItsOwnReplyTopicAndGetsOnlyItsOwnResults(EmbeddedKafka kafka)
      throws Exception {
    responder(
        kafka, (r, request) -> r.result(Responder.succeeded(request, "for " + request.getId())));
    PromptyardClient a = instance(kafka, "instance-a");
    PromptyardClient b = instance(kafka, "instance-b");

    List<CompletableFuture<CompletionResult>> futures = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      futures.add(
          a.submit(CompletionRequests.builder().id("a-" + i).model("cheap").user("hi").build()));
      futures.add(
          b.submit(CompletionRequests.builder().id("b-" + i).model("cheap").user("hi").build()));
    }

    for (CompletableFuture<CompletionResult> f : futures) {
      CompletionResult result = f.get(60, TimeUnit.SECONDS);
      assertThat(result.getOutput().getText()).isEqualTo("for " + result.getId());
    }
    String replyA = TOPICS.prefix() + "replies.client-test-team.instance-a";
    String replyB = TOPICS.prefix() + "replies.client-test-team.instance-b";
    assertThat(a.replyTopic()).contains(replyA);
    assertThat(b.replyTopic()).contains(replyB);
    assertThat(a.listenedTopics()).containsExactly(replyA);
    assertThat(b.listenedTopics()).containsExactly(replyB);
    assertThat(TopicContents.readAllWithStringKeys(bootstrap, replyA))
        .extracting(r -> r.key())
        .containsExactlyInAnyOrder("a-0", "a-1", "a-2");
    assertThat(TopicContents.readAllWithStringKeys(bootstrap, replyB))
        .extracting(r -> r.key())
        .containsExactlyInAnyOrder("b-0", "b-1", "b-2");
  }

  @Test
  void aClientWithAReplyTopicNeverTakesAResultFromTheSharedResultsTopic(EmbeddedKafka kafka) {
    responder(
        kafka,
        (r, request) -> r.resultOnResultsTopicOnly(Responder.succeeded(request, "not a copy")));
    PromptyardClient client = instance(kafka, "instance-c");

    CompletableFuture<CompletionResult> f =
        client.submit(CompletionRequests.builder().id("c-1").model("cheap").user("hi").build());

    assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(TimeoutException.class)
        .hasMessageContaining("c-1")
        .hasMessageContaining(
            "reply topic " + TOPICS.prefix() + "replies.client-test-team.instance-c");
    assertThat(client.listenedTopics()).doesNotContain(TOPICS.results());
  }

  @Test
  void aClientReadingTheResultsTopicGetsResultsThatHaveNoCopy(EmbeddedKafka kafka)
      throws Exception {
    responder(
        kafka, (r, request) -> r.resultOnResultsTopicOnly(Responder.succeeded(request, "shared")));
    PromptyardClient client =
        PromptyardClient.builder()
            .bootstrapServers(kafka.bootstrapServers())
            .topicPrefix(TOPICS.prefix())
            .defaultTeam("client-test-team")
            .readResultsTopic()
            .build();
    open.add(client);

    CompletionResult result = client.submit(ask("anyone?")).get(60, TimeUnit.SECONDS);

    assertThat(result.getOutput().getText()).isEqualTo("shared");
    assertThat(client.replyTopic()).isEmpty();
  }

  /** A client instance of team client-test-team, reading its own reply topic. */
  private PromptyardClient instance(EmbeddedKafka kafka, String clientId) {
    bootstrap = kafka.bootstrapServers();
    PromptyardClient client =
        PromptyardClient.builder()
            .bootstrapServers(bootstrap)
            .topicPrefix(TOPICS.prefix())
            .clientId(clientId)
            .defaultTeam("client-test-team")
            .timeout(Duration.ofSeconds(2))
            .build();
    open.add(client);
    return client;
  }

  @Test
  void aSubmitWhenTheResultsTopicIsMissingFailsNamingIt(EmbeddedKafka kafka) {
    PromptyardClient client =
        PromptyardClient.builder()
            .bootstrapServers(kafka.bootstrapServers())
            .topicPrefix("nowhere.")
            .defaultTeam("client-test-team")
            .readResultsTopic()
            .build();
    open.add(client);

    CompletableFuture<CompletionResult> f = client.submit(ask("anyone?"));

    assertThatThrownBy(() -> f.get(60, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("topic nowhere.results does not exist");
  }

  @Test
  void aRejectedRequestCompletesWithItsResultAndReason(EmbeddedKafka kafka) throws Exception {
    responder(
        kafka,
        (r, request) ->
            r.result(
                TerminalResults.unsuccessful(
                    request,
                    ResultStatus.REJECTED,
                    TerminalResults.error(
                        ErrorCode.UNKNOWN_MODEL, "model 'nope' is not in the catalog"),
                    0)));
    PromptyardClient client = client(kafka, 10, Duration.ofSeconds(60));

    CompletionResult result =
        client
            .submit(CompletionRequests.builder().model("nope").user("hi").build())
            .get(60, TimeUnit.SECONDS);

    assertThat(result.getStatus()).isEqualTo(ResultStatus.REJECTED);
    assertThat(result.getError().getMessage()).isEqualTo("model 'nope' is not in the catalog");
  }

  @Test
  void streamDeliversDeltasOnceInOrderThenTheResultEvenWhenTheResultIsReadFirst(EmbeddedKafka kafka)
      throws Exception {
    responder(
        kafka,
        (r, request) -> {
          assertThat(request.getStream()).isTrue();
          r.chunk(request, 0, "Kafka ", null);
          r.chunk(request, 0, "Kafka ", null); // a redelivered job repeats a chunk
          r.chunk(request, 1, "is a ", null);
          r.result(Responder.succeeded(request, "Kafka is a log."));
          r.chunk(request, 2, "log.", "stop");
        });
    PromptyardClient client = client(kafka, 10, Duration.ofSeconds(60));
    List<String> deltas = new CopyOnWriteArrayList<>();

    CompletionResult result =
        client.stream(ask("What is Kafka?"), deltas::add).get(60, TimeUnit.SECONDS);

    assertThat(deltas).containsExactly("Kafka ", "is a ", "log.");
    assertThat(String.join("", deltas)).isEqualTo(result.getOutput().getText());
  }

  @Test
  void aStreamAnsweredFromTheCacheArrivesAsOneDelta(EmbeddedKafka kafka) throws Exception {
    responder(
        kafka,
        (r, request) ->
            r.result(
                CompletionResult.newBuilder(Responder.succeeded(request, "cached words"))
                    .setCached(true)
                    .build()));
    PromptyardClient client = client(kafka, 10, Duration.ofSeconds(60));
    List<String> deltas = new CopyOnWriteArrayList<>();

    client.stream(ask("again"), deltas::add).get(60, TimeUnit.SECONDS);

    assertThat(deltas).containsExactly("cached words");
  }

  @Test
  void submitAllKeepsAtMostMaxOutstandingAwaitingAndReportsProgress(EmbeddedKafka kafka)
      throws Exception {
    AtomicInteger unanswered = new AtomicInteger();
    AtomicInteger mostUnanswered = new AtomicInteger();
    ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
    open.add(later::shutdownNow);
    responder(
        kafka,
        (r, request) -> {
          mostUnanswered.accumulateAndGet(unanswered.incrementAndGet(), Math::max);
          later.schedule(
              () -> {
                unanswered.decrementAndGet();
                r.result(
                    Responder.succeeded(
                        request, "done " + request.getMessages().getFirst().getText()));
              },
              20,
              TimeUnit.MILLISECONDS);
        });
    PromptyardClient client = client(kafka, 4, Duration.ofSeconds(60));
    List<BatchProgress> progress = new CopyOnWriteArrayList<>();

    List<CompletionResult> results =
        client
            .submitAll(IntStream.range(0, 40).mapToObj(i -> ask("q" + i)), progress::add)
            .get(120, TimeUnit.SECONDS);

    assertThat(results)
        .extracting(r -> r.getOutput().getText())
        .containsExactlyElementsOf(IntStream.range(0, 40).mapToObj(i -> "done q" + i).toList());
    assertThat(mostUnanswered.get()).isBetween(1, 4);
    assertThat(progress).allMatch(p -> p.outstanding() <= 4);
    assertThat(progress)
        .anyMatch(p -> p.completed() == 40 && p.succeeded() == 40 && p.sent() == 40);
  }

  @Test
  void aTemplateIsRenderedLocallyFromFilesWhenTheClientHasALibrary(
      EmbeddedKafka kafka, @TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("greet.yaml"),
        """
        name: greet
        version: "1"
        messages:
          - role: user
            text: "Say hello to {% for n in names | json %}{{ n }}{% if not loop.last %} and {% endif %}{% endfor %}."
        """);
    responder(
        kafka,
        (r, request) ->
            r.result(Responder.succeeded(request, request.getMessages().getFirst().getText())));
    PromptyardClient client =
        PromptyardClient.builder()
            .bootstrapServers(kafka.bootstrapServers())
            .topicPrefix(TOPICS.prefix())
            .defaultTeam("client-test-team")
            .templates(TemplateDirectory.open(dir))
            .build();
    open.add(client);

    CompletionResult result =
        client
            .submit(
                CompletionRequests.builder()
                    .model("cheap")
                    .template("greet", "1", Map.of("names", "[\"Ada\", \"Grace\"]"))
                    .build())
            .get(60, TimeUnit.SECONDS);

    assertThat(result.getOutput().getText()).isEqualTo("Say hello to Ada and Grace.");
  }

  @Test
  void aMissingTemplateVariableFailsTheSubmitBeforeAnythingIsSent(
      EmbeddedKafka kafka, @TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("t.yaml"),
        "name: t\nversion: \"1\"\nmessages: [{role: user, text: \"{{ topic }}\"}]\n");
    Responder responder =
        responder(kafka, (r, request) -> r.result(Responder.succeeded(request, "x")));
    PromptyardClient client =
        PromptyardClient.builder()
            .bootstrapServers(kafka.bootstrapServers())
            .topicPrefix(TOPICS.prefix())
            .defaultTeam("client-test-team")
            .templates(TemplateDirectory.open(dir))
            .build();
    open.add(client);

    CompletableFuture<CompletionResult> f =
        client.submit(
            CompletionRequests.builder().model("cheap").template("t", "1", Map.of()).build());

    assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("variable 'topic' is not set");
    assertThat(responder.received).isEmpty();
  }

  @Test
  void typedOutputIsRepairedOnceWithTheValidationErrors(EmbeddedKafka kafka) throws Exception {
    record City(String name, int population) {}
    responder(
        kafka,
        (r, request) ->
            r.result(
                Responder.succeeded(
                    request,
                    request.getId().endsWith(":repair")
                        ? "{\"name\": \"Lyon\", \"population\": 522000}"
                        : "{\"name\": \"Lyon\", \"population\": \"about half a million\"}")));
    PromptyardClient client = client(kafka, 10, Duration.ofSeconds(60));
    Responder seen = (Responder) open.getFirst();

    City city =
        client.submit(ask("The third city of France?"), City.class).get(60, TimeUnit.SECONDS);

    assertThat(city).isEqualTo(new City("Lyon", 522000));
    assertThat(seen.received).hasSize(2);
    assertThat(seen.received.getFirst().getParameters().getResponseFormat().getSchemaJson())
        .contains("\"population\"");
    List<Message> repair = seen.received.get(1).getMessages();
    assertThat(repair.get(repair.size() - 2).getText()).contains("about half a million");
    assertThat(repair.getLast().getText()).contains("$.population").contains("integer");
  }

  @Test
  void typedOutputThatStaysInvalidFailsWithTheRawTextAndErrors(EmbeddedKafka kafka) {
    record City(String name, int population) {}
    responder(
        kafka, (r, request) -> r.result(Responder.succeeded(request, "Lyon, about 500k people")));
    PromptyardClient client = client(kafka, 10, Duration.ofSeconds(60));

    CompletableFuture<City> f = client.submit(ask("The third city of France?"), City.class);

    assertThatThrownBy(() -> f.get(60, TimeUnit.SECONDS))
        .cause()
        .isInstanceOfSatisfying(
            StructuredOutputException.class,
            e -> {
              assertThat(e.rawText()).isEqualTo("Lyon, about 500k people");
              assertThat(e.errors()).singleElement().asString().startsWith("not JSON");
              assertThat(e.requestId()).endsWith(":repair");
            });
  }
}
