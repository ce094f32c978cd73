package io.promptyard.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.results.TerminalResults;
import io.promptyard.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The router's copies of its rejections to reply topics: sent where they can be, never waited on.
 */
class ReplyCopiesTest {

  private static final String LISTED = "promptyard.replies.team-a.c1";

  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  private final AtomicLong nanos = new AtomicLong(1);
  private final AtomicInteger listings = new AtomicInteger();

  @Test
  void aCopyToAListedReplyTopicIsSentKeyedByRequestId() {
    try (ReplyCopies copies = ReplyCopies.start(producer, listing(LISTED), nanos::get)) {
      CompletionResult rejection = rejection("r-1");
      copies.copy(LISTED, rejection);

      await().until(() -> producer.history().size() == 1);
      ProducerRecord<String, byte[]> sent = producer.history().get(0);
      assertThat(sent.topic()).isEqualTo(LISTED);
      assertThat(sent.key()).isEqualTo("r-1");
      assertThat(AvroSerde.of(CompletionResult.class).decode(sent.value())).isEqualTo(rejection);
    }
  }

  @Test
  void aCopyToATopicThatDoesNotExistIsLeftOutAndTheNextOneStillGoes() {
    try (ReplyCopies copies = ReplyCopies.start(producer, listing(LISTED), nanos::get)) {
      copies.copy("promptyard.replies.team-a.gone", rejection("r-1"));
      copies.copy(LISTED, rejection("r-2"));

      await().until(() -> producer.history().size() == 1);
      assertThat(producer.history().get(0).key()).isEqualTo("r-2");
      assertThat(copies.leftOut()).isEqualTo(1);
    }
  }

  @Test
  void copiesLeftOutAreCountedOnTheRoutersMetrics() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (ReplyCopies copies = ReplyCopies.start(producer, listing(LISTED), nanos::get)) {
      RouterApp.bindReplyCopyMetrics(registry, copies);

      copies.copy("promptyard.replies.team-a.gone", rejection("r-1"));

      await()
          .untilAsserted(
              () ->
                  assertThat(registry.scrape())
                      .contains("promptyard_router_reply_copies_left_out_total 1.0"));
    }
  }

  @Test
  void aTopicUnknownAtTheLastListingIsLookedForAgainOnlyAfterAWhile() {
    AtomicReference<Set<String>> broker = new AtomicReference<>(Set.of(LISTED));
    String created = "promptyard.replies.team-a.c2";
    ReplyCopies.TopicLister lister = listing(broker::get);
    try (ReplyCopies copies = ReplyCopies.start(producer, lister, nanos::get)) {
      copies.copy(created, rejection("r-1"));
      await().until(() -> copies.leftOut() == 1);
      broker.set(Set.of(LISTED, created));

      copies.copy(created, rejection("r-2"));
      await().until(() -> copies.leftOut() == 2);
      assertThat(listings).as("no second listing within a second of the first").hasValue(1);

      nanos.addAndGet(ReplyCopies.RELIST_AFTER.toNanos());
      copies.copy(created, rejection("r-3"));
      await().until(() -> producer.history().size() == 1);
      assertThat(producer.history().get(0).key()).isEqualTo("r-3");
      assertThat(listings).hasValue(2);
    }
  }

  @Test
  void aTopicASendFailedToIsLookedForAgainBeforeTheNextCopy() {
    MockProducer<String, byte[]> unacknowledged =
        new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
    AtomicReference<Set<String>> broker = new AtomicReference<>(Set.of(LISTED));
    ReplyCopies.TopicLister lister = listing(broker::get);
    try (ReplyCopies copies = ReplyCopies.start(unacknowledged, lister, nanos::get)) {
      copies.copy(LISTED, rejection("r-1"));
      await().until(() -> unacknowledged.history().size() == 1);
      broker.set(Set.of());
      unacknowledged.errorNext(new RuntimeException("the topic was deleted"));
      await().until(() -> copies.leftOut() == 1);

      nanos.addAndGet(ReplyCopies.RELIST_AFTER.toNanos());
      copies.copy(LISTED, rejection("r-2"));

      await().until(() -> copies.leftOut() == 2);
      assertThat(unacknowledged.history()).as("no send to the deleted topic").hasSize(1);
      assertThat(listings).hasValue(2);
    }
  }

  @Test
  void noReplyTopicAsksForNoCopy() {
    try (ReplyCopies copies = ReplyCopies.start(producer, listing(LISTED), nanos::get)) {
      copies.copy(null, rejection("r-1"));
      copies.copy(" ", rejection("r-2"));
      copies.copy(LISTED, rejection("r-3"));

      await().until(() -> producer.history().size() == 1);
      assertThat(producer.history().get(0).key()).isEqualTo("r-3");
      assertThat(copies.leftOut()).isZero();
    }
  }

  @Test
  @Timeout(60)
  void aSenderThatCannotSendNeverHoldsUpTheStreamThread() throws Exception {
    CountDownLatch released = new CountDownLatch(1);
    MockProducer<String, byte[]> stuck =
        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer()) {
          @Override
          public synchronized Future<RecordMetadata> send(
              ProducerRecord<String, byte[]> record, Callback callback) {
            try {
              released.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return super.send(record, callback);
          }
        };
    ReplyCopies copies = ReplyCopies.start(stuck, listing(LISTED), nanos::get);
    try {
      int offered = ReplyCopies.QUEUE_CAPACITY + 10;
      for (int i = 0; i < offered; i++) {
        copies.copy(LISTED, rejection("r-" + i));
      }

      // one taken by the stuck sender, a queue's worth waiting, the rest left out, counted
      assertThat(copies.leftOut()).isBetween(9L, 10L);
    } finally {
      released.countDown();
      copies.close(Duration.ofSeconds(30));
    }
    assertThat(stuck.history()).hasSizeGreaterThanOrEqualTo(ReplyCopies.QUEUE_CAPACITY);
  }

  private ReplyCopies.TopicLister listing(String... topics) {
    return listing(() -> Set.of(topics));
  }

  /** A lister answering what {@code broker} holds at each listing, counting the listings. */
  private ReplyCopies.TopicLister listing(Supplier<Set<String>> broker) {
    return () -> {
      listings.incrementAndGet();
      return broker.get();
    };
  }

  private static CompletionResult rejection(String id) {
    return TerminalResults.unsuccessful(
            id,
            "team-a",
            ResultStatus.REJECTED,
            TerminalResults.error(ErrorCode.INVALID_REQUEST, "unknown model"),
            0)
        .build();
  }
}
