package io.promptyard.worker.job;

import io.promptyard.schemas.CompletionChunk;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.UsageEvent;
import io.promptyard.schemas.ingress.ProducerText;
import io.promptyard.schemas.results.TerminalResults;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.RecordHeaders;
import io.promptyard.schemas.topics.ReplyTopics;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.schemas.tracing.TraceHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes what a job produced — result, usage, dead letter, forwarded job, chunks — and returns
 * only once the broker has acknowledged every record, so the job's record is acknowledged after its
 * outcome is safe. Every record carries the current span's trace context in its headers ({@link
 * TraceHeaders}): the job's trace goes on with it.
 */
public final class OutcomePublisher {

  private static final Logger log = LoggerFactory.getLogger(OutcomePublisher.class);

  /**
   * The producer's {@code delivery.timeout.ms} unless the operator sets it: a result sent is on the
   * results topic or has failed within this time, however long the brokers are gone meanwhile.
   */
  public static final Duration DELIVERY_TIMEOUT = Duration.ofMinutes(2);

  /**
   * How long a result whose publishing began is awaited, not looked for on the results topic: its
   * send may still be in the publishing worker's producer (every broker was down for a minute,
   * say), and would land after a look that found nothing. Past the producer's delivery timeout the
   * send has landed or failed for good. This is the grace of the default delivery timeout; {@link
   * #publishingGrace} gives it for another.
   */
  public static final Duration PUBLISHING_GRACE = publishingGrace(DELIVERY_TIMEOUT);

  /** The publishing grace for a producer whose {@code delivery.timeout.ms} is {@code timeout}. */
  public static Duration publishingGrace(Duration deliveryTimeout) {
    return deliveryTimeout.plusSeconds(10);
  }

  /** How long a job waits for the broker to take its reply copy, at most. */
  static final Duration REPLY_WAIT = Duration.ofSeconds(5);

  /** How long after a failed copy a reply topic's copies are sent without waiting for them. */
  static final Duration REPLY_WAIT_AFTER_FAILURE = Duration.ofMinutes(1);

  /**
   * The most refused reply topics remembered so as to warn once for each: past it, refusals are
   * logged at debug, so that records naming ever new topics cannot grow the set without bound.
   */
  static final int MAX_REFUSED_TOPICS_REMEMBERED = 1_000;

  private final Producer<String, byte[]> producer;
  private final Topics topics;
  private final ReplyTopics replies;
  private final Set<String> replyTopicsWarned = ConcurrentHashMap.newKeySet();
  private final Set<String> replyTopicsRefused = ConcurrentHashMap.newKeySet();

  /** When each reply topic's last copy failed ({@link System#nanoTime()}). */
  private final Map<String, Long> replyTopicsFailed = new ConcurrentHashMap<>();

  private final AvroSerde<CompletionResult> results = AvroSerde.of(CompletionResult.class);
  private final AvroSerde<UsageEvent> usage = AvroSerde.of(UsageEvent.class);
  private final AvroSerde<DeadLetter> deadLetters = AvroSerde.of(DeadLetter.class);
  private final AvroSerde<RoutedRequest> routed = AvroSerde.of(RoutedRequest.class);
  private final AvroSerde<CompletionChunk> chunks = AvroSerde.of(CompletionChunk.class);

  /**
   * A publisher that copies results only to the {@linkplain ReplyTopics#defaults default} reply
   * topics.
   */
  public OutcomePublisher(Producer<String, byte[]> producer, Topics topics) {
    this(producer, topics, ReplyTopics.defaults(topics));
  }

  /** A publisher that copies results only to the reply topics {@code replies} allows. */
  public OutcomePublisher(Producer<String, byte[]> producer, Topics topics, ReplyTopics replies) {
    this.producer = producer;
    this.topics = topics;
    this.replies = replies;
  }

  /** Publishes an outcome for the job read from {@code origin}. */
  public void publish(JobOutcome outcome, ConsumerRecord<String, byte[]> origin)
      throws InterruptedException {
    publish(outcome, origin, Delivery.ORIGINAL);
  }

  /**
   * Publishes an outcome for the job read from {@code origin}; a job carried on (forwarded or
   * parked) keeps the delivery's replay headers.
   */
  public void publish(JobOutcome outcome, ConsumerRecord<String, byte[]> origin, Delivery delivery)
      throws InterruptedException {
    publish(outcome, origin, delivery, null);
  }

  /**
   * Publishes an outcome for the job read from {@code origin}; a terminal result also goes, once it
   * is safe on the results topic, to the request's reply topic when it names one (see {@link
   * #reply}).
   *
   * @param replyTopic the request's {@code replyTopic}, or null
   */
  public void publish(
      JobOutcome outcome,
      ConsumerRecord<String, byte[]> origin,
      Delivery delivery,
      String replyTopic)
      throws InterruptedException {
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    List<UsageEvent> events = outcome.usage();
    for (int i = 0; i < events.size(); i++) {
      // The last event published with the request's terminal result settles the budget
      // reservation the router made for it; the aggregator settles when it counts that event.
      UsageEvent e =
          UsageEvent.newBuilder(events.get(i))
              .setSettles(outcome instanceof JobOutcome.Finished && i == events.size() - 1)
              .build();
      sent.add(
          producer.send(
              traced(
                  new ProducerRecord<>(
                      topics.usage(), e.getTeam(), usage.encode(topics.usage(), e)))));
    }
    CompletionResult terminal = null;
    switch (outcome) {
      case JobOutcome.Finished f -> {
        terminal = f.result();
        sent.add(sendResult(terminal));
        if (f.deadLetter() != null) {
          DeadLetter letter =
              DeadLetter.newBuilder(f.deadLetter())
                  .setOriginTopic(origin.topic())
                  .setOriginPartition(origin.partition())
                  .setOriginOffset(origin.offset())
                  .setKey(
                      origin.key() == null
                          ? null
                          : ByteBuffer.wrap(origin.key().getBytes(StandardCharsets.UTF_8)))
                  .setHeaders(TerminalResults.keptHeaders(origin.headers()))
                  .build();
          sent.add(
              producer.send(
                  traced(
                      new ProducerRecord<>(
                          topics.deadLetters(), terminal.getId(), deadLetters.encode(letter)))));
        }
      }
      case JobOutcome.DuplicateId d -> {
        terminal = d.rejection();
        sent.add(sendResult(terminal));
      }
      case JobOutcome.Forwarded fw -> {
        ProducerRecord<String, byte[]> record =
            routedRecord(topics.route(fw.next().getDecision()), fw.next());
        delivery.addTo(record.headers());
        sent.add(producer.send(record));
      }
      case JobOutcome.Deferred d -> {
        ProducerRecord<String, byte[]> record =
            routedRecord(topics.retry(d.job().getDecision()), d.job());
        record
            .headers()
            .add(
                RecordHeaders.DUE_AT,
                Long.toString(d.dueAt().toEpochMilli()).getBytes(StandardCharsets.UTF_8));
        delivery.addTo(record.headers());
        sent.add(producer.send(record));
      }
      // Already on the results topic; its reply copy may not be on the reply topic, and is sent
      // again.
      case JobOutcome.AlreadyPublished p -> terminal = p.result();
      case JobOutcome.AlreadyDone done -> {}
    }
    await(sent);
    if (terminal != null) {
      reply(terminal, replyTopic);
    }
  }

  /** A job carried on to {@code topic}, keyed by its request id like every job record. */
  private ProducerRecord<String, byte[]> routedRecord(String topic, RoutedRequest job) {
    return traced(new ProducerRecord<>(topic, job.getRequest().getId(), routed.encode(topic, job)));
  }

  /** {@code record} with the current span's trace context in its headers. */
  private static ProducerRecord<String, byte[]> traced(ProducerRecord<String, byte[]> record) {
    TraceHeaders.injectCurrent(record.headers());
    return record;
  }

  private Future<RecordMetadata> sendResult(CompletionResult result) {
    int partition = resultsPartition(result.getId());
    return producer.send(
        traced(
            new ProducerRecord<>(
                topics.results(),
                partition < 0 ? null : partition,
                result.getId(),
                results.encode(topics.results(), result))));
  }

  /**
   * Sends a copy of a terminal result to the request's reply topic, keyed by request id, and waits
   * up to {@link #REPLY_WAIT} for the broker to take it. The caller records the result done and
   * acknowledges the job only after this returns, so a worker that dies first leaves the ledger's
   * publishing entry, and the worker that gets the job next finds the result published and sends
   * the copy again ({@link JobOutcome.AlreadyPublished}): no crash loses a copy; at worst it
   * arrives twice, under the same key.
   *
   * <p>The results topic stays the record of every result, so a reply topic that does not exist or
   * refuses the record costs a warning (once per topic) rather than the job: the send runs on a
   * thread of its own (for a missing topic, {@code send} itself blocks for the producer's {@code
   * max.block.ms}), and a copy that fails or times out is given up. A topic whose copy failed is
   * not waited for during the next {@link #REPLY_WAIT_AFTER_FAILURE} (its copies are still sent):
   * one team's broken reply topic must not hold every job's place for seconds.
   */
  private void reply(CompletionResult result, String replyTopic) throws InterruptedException {
    if (replyTopic == null || replyTopic.isBlank() || replyTopic.equals(topics.results())) {
      return;
    }
    // The router rejects such requests, but jobs reach route topics by other paths too (a dead
    // letter replayed by an operator, a producer allowed to write there).
    Optional<String> refusal = replies.refusal(replyTopic);
    if (refusal.isPresent()) {
      replyRefused(result.getId(), replyTopic, refusal.get());
      return;
    }
    ProducerRecord<String, byte[]> copy =
        traced(
            new ProducerRecord<>(replyTopic, result.getId(), results.encode(replyTopic, result)));
    CompletableFuture<RecordMetadata> taken = new CompletableFuture<>();
    Thread.ofVirtual()
        .name("reply-" + replyTopic)
        .start(
            () -> {
              try {
                producer.send(
                    copy,
                    (metadata, error) -> {
                      if (error == null) {
                        taken.complete(metadata);
                      } else {
                        taken.completeExceptionally(error);
                      }
                    });
              } catch (RuntimeException e) {
                taken.completeExceptionally(e);
              }
            });
    Long failedAt = replyTopicsFailed.get(replyTopic);
    if (failedAt != null && System.nanoTime() - failedAt < REPLY_WAIT_AFTER_FAILURE.toNanos()) {
      taken.whenComplete(
          (m, error) -> {
            if (error != null) {
              replyFailed(result.getId(), replyTopic, error);
            } else {
              replyTopicsFailed.remove(replyTopic, failedAt);
            }
          });
      return;
    }
    try {
      taken.get(REPLY_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      replyFailed(result.getId(), replyTopic, e.getCause());
    } catch (TimeoutException e) {
      replyFailed(
          result.getId(),
          replyTopic,
          new TimeoutException("the broker did not take it within " + REPLY_WAIT));
    }
  }

  private void replyRefused(String requestId, String replyTopic, String reason) {
    if (replyTopicsRefused.size() < MAX_REFUSED_TOPICS_REMEMBERED
        && replyTopicsRefused.add(replyTopic)) {
      log.warn(
          "sent no copy of the result of {} to its reply topic (it is on {}); later refusals for this"
              + " topic are logged at debug: {}",
          ProducerText.escape(requestId),
          topics.results(),
          reason);
    } else {
      log.debug(
          "sent no copy of the result of {} to its reply topic: {}",
          ProducerText.escape(requestId),
          reason);
    }
  }

  private void replyFailed(String requestId, String replyTopic, Throwable error) {
    replyTopicsFailed.put(replyTopic, System.nanoTime());
    if (replyTopicsWarned.add(replyTopic)) {
      log.warn(
          "could not send the result of {} to its reply topic {} (it is on {}); later failures for this topic are"
              + " logged at debug: {}",
          ProducerText.escape(requestId),
          ProducerText.escape(replyTopic),
          topics.results(),
          ProducerText.escape(error.toString()));
    } else {
      log.debug(
          "could not send the result of {} to its reply topic {}: {}",
          ProducerText.escape(requestId),
          ProducerText.escape(replyTopic),
          ProducerText.escape(error.toString()));
    }
  }

  /**
   * The partition of the results topic a request's result goes to: the default partitioner's choice
   * for its key, computed here so that the ledger can name it before the result is sent; -1 when
   * the topic's partitions are not known.
   */
  public int resultsPartition(String requestId) {
    int partitions = producer.partitionsFor(topics.results()).size();
    return partitions == 0
        ? -1
        : Utils.toPositive(Utils.murmur2(requestId.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  /** Publishes a record that could not be read as a job. */
  public void deadLetter(DeadLetter letter) throws InterruptedException {
    await(
        List.of(
            producer.send(
                traced(
                    new ProducerRecord<>(
                        topics.deadLetters(),
                        letter.getRequestId(),
                        deadLetters.encode(letter))))));
  }

  /** Publishes one streamed delta, without waiting; the result that follows is awaited. */
  public void chunk(CompletionChunk chunk) {
    producer.send(
        traced(
            new ProducerRecord<>(
                topics.chunks(), chunk.getRequestId(), chunks.encode(topics.chunks(), chunk))));
  }

  private static void await(List<Future<RecordMetadata>> sent) throws InterruptedException {
    for (Future<RecordMetadata> f : sent) {
      try {
        f.get();
      } catch (ExecutionException e) {
        throw new PublishException("could not publish to Kafka: " + e.getCause(), e.getCause());
      }
    }
  }

  /** The broker did not take a record; the job is released for redelivery. */
  public static final class PublishException extends RuntimeException {
    PublishException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
