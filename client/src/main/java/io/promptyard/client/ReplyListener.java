package io.promptyard.client;

import io.promptyard.schemas.CompletionChunk;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ingress.ProducerText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's one consumer, owned by one thread: it reads the topics it is asked to (the client's
 * reply topic, or the shared results topic, and the chunks topic) from their ends, without a
 * consumer group, and completes the futures of the requests it awaits by id. Other threads talk to
 * it through a command queue and the map of awaited ids.
 */
final class ReplyListener implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ReplyListener.class);
  private static final Duration METADATA_WAIT = Duration.ofSeconds(15);

  private final KafkaConsumer<String, byte[]> consumer;
  private final String resultsTopic;
  private final String chunksTopic;
  private final long streamGraceMillis;
  private final RecordDecoder<CompletionResult> results =
      RecordDecoder.of(CompletionResult.class, log);
  private final RecordDecoder<CompletionChunk> chunks =
      RecordDecoder.of(CompletionChunk.class, log);
  private final Map<String, Awaited> awaited = new ConcurrentHashMap<>();
  private final Set<String> listening = ConcurrentHashMap.newKeySet();
  private final Map<String, CompletableFuture<Void>> joining = new ConcurrentHashMap<>();
  private final LinkedBlockingDeque<Runnable> commands = new LinkedBlockingDeque<>();

  /** Streams whose result is held for their last chunk; touched by the listener thread only. */
  private final Set<String> holding = new HashSet<>();

  private final Thread thread;
  private volatile boolean running = true;

  /** Why the listener thread stopped, when it stopped on an error. */
  private volatile RuntimeException failure;

  /** One awaited request: its future, and its assembler when it streams. */
  private record Awaited(CompletableFuture<CompletionResult> future, StreamAssembler stream) {}

  ReplyListener(
      Map<String, Object> consumerConfig,
      String resultsTopic,
      String chunksTopic,
      Duration streamGrace,
      String name) {
    this.consumer =
        new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
    this.resultsTopic = resultsTopic;
    this.chunksTopic = chunksTopic;
    this.streamGraceMillis = streamGrace.toMillis();
    this.thread = Thread.ofPlatform().daemon().name(name).start(this::run);
  }

  /**
   * Completes once the topic's partitions are read from their current ends, so no later record is
   * missed.
   */
  CompletableFuture<Void> listen(String topic) {
    if (failure != null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("the client's listener stopped: " + failure, failure));
    }
    if (listening.contains(topic)) {
      return CompletableFuture.completedFuture(null);
    }
    return joining.computeIfAbsent(
        topic,
        t -> {
          CompletableFuture<Void> joined = new CompletableFuture<>();
          // No wakeup(): it would also break the metadata calls of a join already under way; a poll
          // lasts 200 ms.
          commands.add(() -> join(t, joined));
          return joined;
        });
  }

  /** The topics read now. */
  Set<String> listenedTopics() {
    return Set.copyOf(listening);
  }

  /**
   * Awaits the result of a request; register before sending it.
   *
   * @param onDelta receives the streamed deltas, or null when the request does not stream
   * @param onRestart told when the deltas delivered belong to an attempt that failed
   */
  CompletableFuture<CompletionResult> await(
      String id, Consumer<String> onDelta, IntConsumer onRestart) {
    CompletableFuture<CompletionResult> future = new CompletableFuture<>();
    Awaited a =
        new Awaited(future, onDelta == null ? null : new StreamAssembler(onDelta, onRestart));
    if (awaited.putIfAbsent(id, a) != null) {
      throw new IllegalArgumentException(
          "request id " + id + " is already awaited by this client; ids must be unique");
    }
    future.whenComplete((r, e) -> awaited.remove(id, a));
    return future;
  }

  private void run() {
    try {
      while (running) {
        Runnable command;
        while ((command = commands.poll()) != null) {
          command.run();
        }
        if (consumer.assignment().isEmpty()) {
          Runnable first = commands.poll(200, TimeUnit.MILLISECONDS);
          if (first != null) {
            commands.addFirst(first);
          }
          continue;
        }
        try {
          for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            handle(record);
          }
        } catch (WakeupException e) {
          // close() was called
        }
        expireHeldStreams();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("the Promptyard client's listener stopped; awaited requests fail", e);
      failure = e;
      awaited.values().forEach(a -> a.future().completeExceptionally(e));
      joining.values().forEach(j -> j.completeExceptionally(e));
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void join(String topic, CompletableFuture<Void> joined) {
    try {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_WAIT);
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException(
            "topic "
                + topic
                + " does not exist: start the Promptyard services (they create"
                + " their topics) or check the client's topic prefix");
      }
      List<TopicPartition> added =
          infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      List<TopicPartition> all = new ArrayList<>(consumer.assignment());
      all.addAll(added);
      consumer.assign(all);
      consumer.seekToEnd(added);
      added.forEach(consumer::position); // resolves the end offsets now, before any request is sent
      listening.add(topic);
      joined.complete(null);
    } catch (RuntimeException e) {
      joined.completeExceptionally(e);
    } finally {
      joining.remove(topic);
    }
  }

  private void handle(ConsumerRecord<String, byte[]> record) {
    if (record.topic().equals(chunksTopic)) {
      chunks.decode(record).ifPresent(this::onChunk);
    } else {
      results.decode(record).ifPresent(r -> onResult(record.topic(), r));
    }
  }

  private void onChunk(CompletionChunk chunk) {
    Awaited a = awaited.get(chunk.getRequestId());
    if (a != null && a.stream() != null) {
      deliver(chunk.getRequestId(), a, () -> a.stream().chunk(chunk));
    }
  }

  private void onResult(String topic, CompletionResult result) {
    Awaited a = awaited.get(result.getId());
    if (a == null) {
      // On the shared results topic most results are other clients'; on a reply topic, one is a
      // request's given up on (timed out) or a copy sent again.
      if (!topic.equals(resultsTopic)) {
        log.debug(
            "result of request {} on {} is not awaited (timed out?): ignored",
            ProducerText.escape(result.getId()),
            topic);
      }
      return;
    }
    if (a.stream() == null) {
      a.future().complete(result);
    } else {
      deliver(result.getId(), a, () -> a.stream().result(result, System.currentTimeMillis()));
    }
  }

  /**
   * Runs a step of a stream; the user's delta callback may throw, which fails that request only.
   */
  private void deliver(String id, Awaited a, java.util.function.Supplier<CompletionResult> step) {
    try {
      CompletionResult done = step.get();
      if (done != null) {
        holding.remove(id);
        a.future().complete(done);
      } else if (a.stream().holding()) {
        holding.add(id);
      }
    } catch (RuntimeException e) {
      holding.remove(id);
      a.future().completeExceptionally(e);
    }
  }

  private void expireHeldStreams() {
    if (holding.isEmpty()) {
      return;
    }
    long now = System.currentTimeMillis();
    for (String id : List.copyOf(holding)) {
      Awaited a = awaited.get(id);
      if (a == null) {
        holding.remove(id);
      } else {
        deliver(id, a, () -> a.stream().expire(now, streamGraceMillis));
      }
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    awaited
        .values()
        .forEach(
            a ->
                a.future()
                    .completeExceptionally(
                        new IllegalStateException(
                            "the Promptyard client was closed before the result arrived")));
  }
}
