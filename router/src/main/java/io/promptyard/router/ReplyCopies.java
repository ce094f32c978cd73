package io.promptyard.router;

import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ingress.ProducerText;
import io.promptyard.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends copies of the router's own {@code REJECTED} results to the reply topics their requests
 * name, so that a client reading only its reply topic gets them as it gets the worker's results.
 *
 * <p>The copies leave the stream thread at once: a sender thread of their own takes them from a
 * bounded queue and sends them outside the router's transaction, to topics it has seen listed only,
 * so that neither a reply topic that does not exist (the producer would wait a minute for its
 * metadata) nor a slow one holds up routing. The results topic stays the record of every result: a
 * copy that cannot be sent is left out with a log line (a warning once per topic, bounded), and a
 * task that runs again after an aborted transaction may send a copy twice, which a client ignores
 * as it ignores the worker's repeated copies.
 */
final class ReplyCopies implements ReplyCopier, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ReplyCopies.class);

  /** The most copies waiting for the sender; past it, copies are left out (with a warning). */
  static final int QUEUE_CAPACITY = 10_000;

  /** How long after a listing a topic not on it is looked for again, at the soonest. */
  static final Duration RELIST_AFTER = Duration.ofSeconds(1);

  /** How long a listing of the topics may take. */
  static final Duration LIST_TIMEOUT = Duration.ofSeconds(5);

  /** The most topics remembered so as to warn once for each; past it, at debug. */
  static final int MAX_TOPICS_WARNED = 1_000;

  /** The topic names the broker has now, as far as the copier needs them. */
  @FunctionalInterface
  interface TopicLister {
    /** The names of the topics that exist now. */
    Set<String> list() throws Exception;
  }

  private record Copy(String topic, CompletionResult result) {}

  private static final Copy STOP = new Copy("", null);

  private final Producer<String, byte[]> producer;
  private final TopicLister lister;
  private final AutoCloseable listerResource;
  private final LongSupplier nanoTime;
  private final AvroSerde<CompletionResult> results = AvroSerde.of(CompletionResult.class);
  private final BlockingQueue<Copy> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  /** Topics a send to failed since the last listing (deleted, say): looked for again first. */
  private final Set<String> failed = ConcurrentHashMap.newKeySet();

  private final AtomicLong leftOut = new AtomicLong();
  private final Thread sender;
  private volatile boolean queueFullWarned;

  /** Known to exist at the last listing; only the sender thread touches these. */
  private Set<String> listed = Set.of();

  private long listedAtNanos;
  private boolean listedOnce;

  private ReplyCopies(
      Producer<String, byte[]> producer,
      TopicLister lister,
      AutoCloseable listerResource,
      LongSupplier nanoTime) {
    this.producer = producer;
    this.lister = lister;
    this.listerResource = listerResource;
    this.nanoTime = nanoTime;
    this.sender = new Thread(this::run, "promptyard-router-reply-copies");
    this.sender.setDaemon(true);
  }

  /**
   * Starts a sender that sends with {@code producer}, which it closes when closed, to the topics
   * {@code lister} finds, telling when to list again by {@code nanoTime} (as {@link
   * System#nanoTime()}).
   */
  static ReplyCopies start(
      Producer<String, byte[]> producer, TopicLister lister, LongSupplier nanoTime) {
    return start(new ReplyCopies(producer, lister, () -> {}, nanoTime));
  }

  /**
   * Starts a sender that sends with {@code producer} to the topics under {@code prefix} that {@code
   * admin} lists; it closes both when closed.
   */
  static ReplyCopies start(Producer<String, byte[]> producer, Admin admin, String prefix) {
    TopicLister lister =
        () ->
            admin.listTopics().names().get(LIST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).stream()
                .filter(t -> t.startsWith(prefix))
                .collect(Collectors.toSet());
    return start(new ReplyCopies(producer, lister, admin, System::nanoTime));
  }

  private static ReplyCopies start(ReplyCopies copies) {
    copies.sender.start();
    return copies;
  }

  /** Queues a copy of {@code result} for {@code replyTopic}; never blocks. */
  @Override
  public void copy(String replyTopic, CompletionResult result) {
    if (replyTopic == null || replyTopic.isBlank() || queue.offer(new Copy(replyTopic, result))) {
      return;
    }
    leftOut.incrementAndGet();
    if (!queueFullWarned) {
      queueFullWarned = true;
      log.warn(
          "{} reply copies are waiting to be sent: left out the copy of {} to {} (it is on the results"
              + " topic); later ones left out are counted, not logged",
          QUEUE_CAPACITY,
          ProducerText.escape(result.getId()),
          ProducerText.escape(replyTopic));
    }
  }

  /** Copies left out so far: the queue was full, the topic did not exist, or the send failed. */
  long leftOut() {
    return leftOut.get();
  }

  private void run() {
    try {
      for (Copy copy = queue.take(); copy != STOP; copy = queue.take()) {
        send(copy);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void send(Copy copy) {
    if (!exists(copy.topic())) {
      leftOut(copy, "the topic does not exist");
      return;
    }
    try {
      producer.send(
          new ProducerRecord<>(
              copy.topic(), copy.result().getId(), results.encode(copy.topic(), copy.result())),
          (metadata, error) -> {
            if (error != null) {
              failed.add(copy.topic());
              leftOut(copy, error.toString());
            }
          });
    } catch (RuntimeException e) {
      failed.add(copy.topic());
      leftOut(copy, e.toString());
    }
  }

  /**
   * Whether {@code topic} was listed, and no send to it failed since; listing again at most once a
   * {@link #RELIST_AFTER}.
   */
  private boolean exists(String topic) {
    if (listed.contains(topic) && !failed.remove(topic)) {
      return true;
    }
    long now = nanoTime.getAsLong();
    if (listedOnce && now - listedAtNanos < RELIST_AFTER.toNanos()) {
      return false;
    }
    listedOnce = true;
    listedAtNanos = now;
    try {
      listed = Set.copyOf(lister.list());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn("could not list the topics to send reply copies to: {}", e.toString());
    }
    return listed.contains(topic);
  }

  private void leftOut(Copy copy, String why) {
    leftOut.incrementAndGet();
    String id = ProducerText.escape(copy.result().getId());
    String topic = ProducerText.escape(copy.topic());
    if (warned.size() < MAX_TOPICS_WARNED && warned.add(copy.topic())) {
      log.warn(
          "sent no copy of the result of {} to its reply topic {} (it is on the results topic): {};"
              + " later ones for this topic are logged at debug",
          id,
          topic,
          why);
    } else {
      log.debug("sent no copy of the result of {} to its reply topic {}: {}", id, topic, why);
    }
  }

  /** Sends what is queued (waiting at most {@code timeout} in all), then closes the producer. */
  void close(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      if (queue.offer(STOP, remainingMillis(deadline), TimeUnit.MILLISECONDS)) {
        sender.join(remainingMillis(deadline));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sender.interrupt();
    producer.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    try {
      listerResource.close();
    } catch (Exception e) {
      log.debug("error while closing the reply copies' topic lister: {}", e.toString());
    }
  }

  private static long remainingMillis(long deadlineNanos) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}
