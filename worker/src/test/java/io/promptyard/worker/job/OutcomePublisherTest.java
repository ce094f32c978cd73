package io.promptyard.worker.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.ResultError;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.TokenUsage;
import io.promptyard.schemas.UsageEvent;
import io.promptyard.schemas.results.TerminalResults;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.ReplyTopics;
import io.promptyard.schemas.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reply-topic copy of a terminal result is taken by the broker before {@code publish} returns,
 * so that the caller records the result done and acknowledges the job only after it: a worker that
 * dies before has left the ledger's publishing entry, and the next one sends the copy again.
 */
class OutcomePublisherTest {

  private static final String REPLIES = "promptyard.replies.search";

  private final Topics topics = Topics.defaults();

  /** Completes nothing by itself: the test plays the broker. */
  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());

  private final OutcomePublisher publisher = new OutcomePublisher(producer, topics);
  private final ConsumerRecord<String, byte[]> origin =
      new ConsumerRecord<>("promptyard.route.sim", 0, 7L, "r-1", new byte[0]);

  @Test
  void publishReturnsOnlyOnceTheBrokerTookTheReplyCopyAsWellAsTheResult() {
    CompletionResult result = result("r-1");
    CompletableFuture<Void> publishing =
        publishAsync(new JobOutcome.Finished(result, List.of(), null));

    await().atMost(Duration.ofSeconds(5)).until(() -> sentTo(topics.results()) == 1);
    producer.completeNext();
    await().atMost(Duration.ofSeconds(5)).until(() -> sentTo(REPLIES) == 1);
    assertThat(publishing).as("waiting for the reply copy").isNotDone();

    producer.completeNext();

    await().atMost(Duration.ofSeconds(5)).until(publishing::isDone);
    assertThat(publishing).isCompleted();
    assertThat(producer.history())
        .extracting(ProducerRecord::topic, ProducerRecord::key)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(topics.results(), "r-1"),
            org.assertj.core.groups.Tuple.tuple(REPLIES, "r-1"));
  }

  @Test
  void onlyTheLastUsageEventPublishedWithATerminalResultSettlesTheRequestsBudgetReservation()
      throws InterruptedException {
    MockProducer<String, byte[]> broker =
        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    UsageEvent failedCall = usage("r-1:1");
    UsageEvent answered = usage("r-1:2");

    new OutcomePublisher(broker, topics)
        .publish(
            new JobOutcome.Finished(result("r-1"), List.of(failedCall, answered), null),
            origin,
            Delivery.ORIGINAL,
            null);

    AvroSerde<UsageEvent> serde = AvroSerde.of(UsageEvent.class);
    assertThat(broker.history())
        .filteredOn(r -> r.topic().equals(topics.usage()))
        .extracting(r -> serde.decode(r.value()).getSettles())
        .containsExactly(false, true);
  }

  private static UsageEvent usage(String eventId) {
    return UsageEvent.newBuilder()
        .setEventId(eventId)
        .setRequestId("r-1")
        .setTeam("search")
        .setProvider("sim")
        .setModel("sim-mini")
        .setUsage(new TokenUsage(10L, 5L, 0L, 0L))
        .setOccurredAt(java.time.Instant.parse("2026-11-20T12:00:00Z"))
        .build();
  }

  @Test
  void aResultFoundPublishedByAWorkerThatDiedHasOnlyItsReplyCopySentAgain() {
    CompletableFuture<Void> publishing =
        publishAsync(new JobOutcome.AlreadyPublished(result("r-1"), "0123456789abcdef"));

    await().atMost(Duration.ofSeconds(5)).until(() -> sentTo(REPLIES) == 1);
    producer.completeNext();

    await().atMost(Duration.ofSeconds(5)).until(publishing::isDone);
    assertThat(publishing).isCompleted();
    assertThat(sentTo(topics.results())).as("not published again").isZero();
  }

  @Test
  void aReplyTopicThatRefusesTheCopyCostsAWarningNotTheJob() {
    CompletableFuture<Void> publishing =
        publishAsync(new JobOutcome.Finished(result("r-1"), List.of(), null));

    await().atMost(Duration.ofSeconds(5)).until(() -> sentTo(topics.results()) == 1);
    producer.completeNext();
    await().atMost(Duration.ofSeconds(5)).until(() -> sentTo(REPLIES) == 1);
    producer.errorNext(new AuthorizationException("not authorized to write to " + REPLIES));

    await().atMost(Duration.ofSeconds(5)).until(publishing::isDone);
    assertThat(publishing).isCompleted();
  }

  /** Promptyard's own topics a job could name as its reply topic, and one outside the prefix. */
  static List<String> refusedReplyTopics() {
    Topics t = Topics.defaults();
    return List.of(
        t.templates(),
        t.budgetStatus(),
        t.budgets(),
        t.usageTotals(),
        t.usage(),
        t.providerHealth(),
        t.deadLetters(),
        t.chunks(),
        t.alerts(),
        t.requests(),
        t.requestsJson(),
        t.route("sim"),
        t.routeInteractive("sim"),
        t.retry("sim"),
        "search.replies");
  }

  @ParameterizedTest
  @MethodSource("refusedReplyTopics")
  void aReplyTopicThatIsPromptyardsOwnOrOutsideThePrefixIsNotSentTo(String replyTopic) {
    CompletableFuture<Void> publishing =
        publishAsync(new JobOutcome.Finished(result("summarize@2"), List.of(), null), replyTopic);

    await().atMost(Duration.ofSeconds(5)).until(() -> sentTo(topics.results()) == 1);
    producer.completeNext();

    await().atMost(Duration.ofSeconds(5)).until(publishing::isDone);
    assertThat(publishing).isCompleted();
    assertThat(producer.history())
        .extracting(ProducerRecord::topic)
        .containsExactly(topics.results());
  }

  @Test
  void theConfiguredReplyPrefixDecidesWhereCopiesGo() {
    OutcomePublisher acme =
        new OutcomePublisher(producer, topics, new ReplyTopics(topics, "acme.replies."));
    CompletableFuture<Void> publishing =
        CompletableFuture.runAsync(
            () -> {
              try {
                acme.publish(
                    new JobOutcome.AlreadyPublished(result("r-1"), "0123456789abcdef"),
                    origin,
                    Delivery.ORIGINAL,
                    REPLIES);
                acme.publish(
                    new JobOutcome.AlreadyPublished(result("r-2"), "0123456789abcdef"),
                    origin,
                    Delivery.ORIGINAL,
                    "acme.replies.search");
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });

    await().atMost(Duration.ofSeconds(5)).until(() -> sentTo("acme.replies.search") == 1);
    producer.completeNext();

    await().atMost(Duration.ofSeconds(5)).until(publishing::isDone);
    assertThat(publishing).isCompleted();
    assertThat(producer.history())
        .extracting(ProducerRecord::topic, ProducerRecord::key)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("acme.replies.search", "r-2"));
  }

  private CompletableFuture<Void> publishAsync(JobOutcome outcome) {
    return publishAsync(outcome, REPLIES);
  }

  private CompletableFuture<Void> publishAsync(JobOutcome outcome, String replyTopic) {
    return CompletableFuture.runAsync(
        () -> {
          try {
            publisher.publish(outcome, origin, Delivery.ORIGINAL, replyTopic);
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private long sentTo(String topic) {
    return producer.history().stream().filter(r -> r.topic().equals(topic)).count();
  }

  private static CompletionResult result(String id) {
    return TerminalResults.unsuccessful(
            id,
            "search",
            ResultStatus.FAILED,
            new ResultError(ErrorCode.TIMEOUT, "timed out", null, true),
            3)
        .build();
  }
}
