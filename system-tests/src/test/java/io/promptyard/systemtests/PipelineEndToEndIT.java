package io.promptyard.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.client.batch.BatchInput;
import io.promptyard.client.batch.ResultCollector;
import io.promptyard.dev.BatchRun;
import io.promptyard.dev.DevStack;
import io.promptyard.dev.TeamTotals;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.testkit.kafka.TopicContents;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline on the in-process broker: router, worker (share group), simulated provider,
 * aggregator.
 */
class PipelineEndToEndIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static DevStack stack;

  @BeforeAll
  static void startStack() {
    stack = DevStack.start(DevStack.Options.defaults());
  }

  @AfterAll
  static void stopStack() {
    stack.close();
  }

  @Test
  void thousandRequestsGetExactlyOneResultEachAndAggregatedTotalsEqualTheirUsage()
      throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<String> teams = List.of("alpha-" + run, "beta-" + run, "gamma-" + run);
    List<BatchInput.Line> lines = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      String team = teams.get(i % 3);
      // every tenth prompt repeats, so some answers may come from the cache
      lines.add(
          line(
              run + ":" + i,
              team,
              i % 10 == 0 ? "Repeat after me: hello" : "Question number " + i));
    }

    BatchRun.Report report = BatchRun.run(stack, lines, Duration.ofMinutes(3), n -> {}, n -> {});

    assertThat(report.results()).hasSize(1000);
    assertThat(report.results().keySet())
        .containsExactlyInAnyOrderElementsOf(
            lines.stream().map(BatchInput.Line::requestId).toList());
    assertThat(report.results().values()).allMatch(r -> r.getStatus() == ResultStatus.SUCCEEDED);
    assertThat(report.results().values()).allMatch(r -> r.getUsage().getOutputTokens() > 0);
    Map<String, TeamTotals> mine =
        report.fromAggregator().entrySet().stream()
            .filter(e -> teams.contains(e.getKey()))
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    assertThat(mine).isEqualTo(report.fromResults());
    assertThat(mine.values().stream().mapToLong(TeamTotals::requests).sum()).isEqualTo(1000);
    assertThat(mine.values().stream().mapToLong(TeamTotals::costMicros).sum())
        .isEqualTo(
            report.results().values().stream().mapToLong(CompletionResult::getCostMicros).sum())
        .isPositive();
    assertThat(collectResults(Set.copyOf(report.results().keySet()), Duration.ofSeconds(1)))
        .as("no request id has a second result")
        .hasSize(1000);
  }

  @Test
  void badInputOnEachIngressIsRejectedOrDeadLetteredAndThePipelineKeepsGoing() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    AvroSerde<CompletionRequest> requests = AvroSerde.of(CompletionRequest.class);
    try (KafkaProducer<String, byte[]> producer = producer()) {
      producer.send(
          new ProducerRecord<>(
              stack.topics().requests(), "garbage-" + run, new byte[] {1, 2, 3, 4}));
      producer.send(
          new ProducerRecord<>(
              stack.topics().requestsJson(), "notjson-" + run, bytes("{\"model\": oops")));
      producer.send(
          new ProducerRecord<>(
              stack.topics().requestsJson(),
              "noteam-" + run,
              bytes(
                  "{\"model\":\"cheap\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")));
      producer.send(
          new ProducerRecord<>(
              stack.topics().requestsJson(),
              "nomsg-" + run,
              bytes("{\"model\":\"cheap\",\"metadata\":{\"team\":\"t-" + run + "\"}}")));
      producer.send(
          new ProducerRecord<>(
              stack.topics().requests(),
              "unknown-" + run,
              requests.encode(
                  CompletionRequest.newBuilder()
                      .setId("unknown-" + run)
                      .setTeam("t-" + run)
                      .setModel("gpt-9-ultra")
                      .setMessages(
                          List.of(Message.newBuilder().setRole(Role.USER).setText("hi").build()))
                      .build())));
      producer.send(
          new ProducerRecord<>(
              stack.topics().requestsJson(),
              "good-" + run,
              JSON.writeValueAsBytes(
                  line("good-" + run, "t-" + run, "Still working?").ingressBody())));
      producer.flush();
    }

    Map<String, CompletionResult> results =
        collectResults(
            Set.of("noteam-" + run, "nomsg-" + run, "unknown-" + run, "good-" + run),
            Duration.ofSeconds(60));
    assertThat(results.get("noteam-" + run).getStatus()).isEqualTo(ResultStatus.REJECTED);
    assertThat(results.get("noteam-" + run).getError().getMessage()).contains("team is required");
    assertThat(results.get("nomsg-" + run).getError().getMessage()).contains("messages");
    assertThat(results.get("unknown-" + run).getError().getCode())
        .isEqualTo(ErrorCode.UNKNOWN_MODEL);
    assertThat(results.get("good-" + run).getStatus()).isEqualTo(ResultStatus.SUCCEEDED);

    List<DeadLetter> letters = deadLetters(Set.of("garbage-" + run, "notjson-" + run));
    assertThat(letters).extracting(DeadLetter::getErrorCode).containsOnly(ErrorCode.UNDECODABLE);
    assertThat(letters)
        .extracting(DeadLetter::getOriginTopic)
        .containsExactlyInAnyOrder(stack.topics().requests(), stack.topics().requestsJson());
  }

  @Test
  void requestIdThatAlreadyHasAResultIsNotSentToTheProviderAgain() throws Exception {
    String id = "once-" + UUID.randomUUID();
    BatchInput.Line line = line(id, "idem-team", "Only answer me once " + id);
    long before = stack.simulator().orElseThrow().requestsServed();
    try (KafkaProducer<String, byte[]> producer = producer()) {
      producer
          .send(
              new ProducerRecord<>(
                  stack.topics().requestsJson(), id, JSON.writeValueAsBytes(line.ingressBody())))
          .get();
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> countResults(id) == 1);
    assertThat(stack.simulator().orElseThrow().requestsServed()).isEqualTo(before + 1);

    long alreadyDone = stack.worker().metrics().jobsEnded("already_done");
    try (KafkaProducer<String, byte[]> producer = producer()) {
      producer
          .send(
              new ProducerRecord<>(
                  stack.topics().requestsJson(), id, JSON.writeValueAsBytes(line.ingressBody())))
          .get();
    }

    // The worker counts the job already done once it decided not to call; nothing is published
    // after that.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> stack.worker().metrics().jobsEnded("already_done") > alreadyDone);
    assertThat(stack.worker().metrics().jobsEnded("already_done")).isEqualTo(alreadyDone + 1);
    assertThat(stack.simulator().orElseThrow().requestsServed()).isEqualTo(before + 1);
    assertThat(countResults(id)).isEqualTo(1);
  }

  @Test
  void
      jsonRequestsWithoutARequestIdUnderOneRecordKeyEachGetAResultAndTheSecondIsRejectedNamingTheId()
          throws Exception {
    String key = "user-" + UUID.randomUUID();
    String team = "keyed-" + key;
    try (KafkaProducer<String, byte[]> producer = producer()) {
      for (String prompt : List.of("What is the capital of France?", "And of Spain?")) {
        ObjectNode body = JSON.createObjectNode().put("model", "cheap").put("max_tokens", 40);
        body.putArray("messages").addObject().put("role", "user").put("content", prompt);
        body.putObject("metadata").put("team", team);
        producer.send(
            new ProducerRecord<>(stack.topics().requestsJson(), key, JSON.writeValueAsBytes(body)));
      }
      producer.flush();
    }

    List<CompletionResult> results = new ArrayList<>();
    AvroSerde<CompletionResult> serde = AvroSerde.of(CompletionResult.class);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              results.clear();
              TopicContents.readAllWithStringKeys(
                      stack.bootstrapServers(), stack.topics().results())
                  .stream()
                  .filter(r -> key.equals(r.key()))
                  .forEach(r -> results.add(serde.decode(r.value())));
              return results.size() >= 2;
            });
    // Both ran through the router under the key as their id; whichever the worker took first was
    // answered
    assertThat(results)
        .extracting(CompletionResult::getStatus)
        .containsExactlyInAnyOrder(ResultStatus.SUCCEEDED, ResultStatus.REJECTED);
    CompletionResult rejected =
        results.stream()
            .filter(r -> r.getStatus() == ResultStatus.REJECTED)
            .findFirst()
            .orElseThrow();
    assertThat(rejected.getError().getMessage())
        .contains("request id " + key + " of team " + team + " is already taken");
  }

  static BatchInput.Line line(String requestId, String team, String prompt) {
    ObjectNode body = JSON.createObjectNode().put("model", "cheap").put("max_tokens", 40);
    body.putArray("messages").addObject().put("role", "user").put("content", prompt);
    body.putObject("metadata")
        .put("team", team)
        .put("request_id", requestId)
        .put("custom_id", requestId);
    return new BatchInput.Line(0, requestId, requestId, body);
  }

  private static Map<String, CompletionResult> collectResults(Set<String> ids, Duration timeout) {
    try (ResultCollector collector =
        new ResultCollector(stack.bootstrapServers(), stack.topics().results())) {
      return collector.collect(r -> ids.contains(r.getId()), ids.size(), timeout, r -> {});
    }
  }

  private static long countResults(String id) {
    AvroSerde<CompletionResult> serde = AvroSerde.of(CompletionResult.class);
    return TopicContents.readAllWithStringKeys(stack.bootstrapServers(), stack.topics().results())
        .stream()
        .filter(r -> id.equals(r.key()))
        .map(r -> serde.decode(r.value()))
        .count();
  }

  private static List<DeadLetter> deadLetters(Set<String> keys) {
    AvroSerde<DeadLetter> serde = AvroSerde.of(DeadLetter.class);
    List<DeadLetter> found = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              found.clear();
              TopicContents.readAllWithStringKeys(
                      stack.bootstrapServers(), stack.topics().deadLetters())
                  .stream()
                  .filter(r -> keys.contains(r.key()))
                  .forEach(r -> found.add(serde.decode(r.value())));
              return found.size() == keys.size();
            });
    return found;
  }

  private static KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(
        Map.of("bootstrap.servers", stack.bootstrapServers()),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
