package io.promptyard.client;

import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.PromptTemplate;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.ReplyTopics;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.templates.TemplateException;
import io.promptyard.templates.TemplateId;
import io.promptyard.templates.TemplateLibrary;
import io.promptyard.templates.TemplateRenderer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Submits completion requests to Promptyard over Kafka and hands back their results: {@link
 * #submit} (request and reply, correlated by request id), {@link #stream} (deltas, then the
 * result), {@link #submitAll} (many, with a bound on how many are outstanding) and typed answers
 * ({@link #submit(CompletionRequest, Class)}).
 *
 * <p>One client holds one producer and one consumer, whatever the number of requests in flight.
 * Every request it sends names the client's reply topic ({@code <prefix>replies.<team>.<clientId>}
 * unless {@link Builder#replyTopic} names another; the client creates it when missing), where the
 * worker copies its result, and the consumer reads that topic only, from its end, without a
 * consumer group: an instance sees its own results and no other's. {@link
 * Builder#readResultsTopic()} reads the shared results topic instead, every team's results.
 * Thread-safe; create one per application and close it at the end.
 */
public final class PromptyardClient implements AutoCloseable {

  private static final Duration STREAM_GRACE = Duration.ofSeconds(3);

  private final Settings settings;
  private final Topics topics;
  private final KafkaProducer<String, byte[]> producer;
  private final ReplyListener replies;
  private final AvroSerde<CompletionRequest> requests = AvroSerde.of(CompletionRequest.class);
  private final AvroSerde<PromptTemplate> templates = AvroSerde.of(PromptTemplate.class);
  private final TemplateRenderer renderer = new TemplateRenderer();

  /** The creation of the client's reply topic, once the first request is sent; guarded by this. */
  private CompletableFuture<Void> replyTopicCreated;

  /** The builder's values. */
  private record Settings(
      String bootstrapServers,
      String topicPrefix,
      String clientId,
      String defaultTeam,
      String ingressTeam,
      String replyTopic,
      boolean readsResultsTopic,
      Duration timeout,
      int maxOutstanding,
      TemplateLibrary templates,
      Map<String, Object> kafka) {}

  private PromptyardClient(Settings s) {
    this.settings = s;
    this.topics = new Topics(s.topicPrefix());
    this.producer =
        new KafkaProducer<>(
            producerConfig(s.kafka(), s.bootstrapServers(), s.clientId()),
            new StringSerializer(),
            new ByteArraySerializer());
    this.replies =
        new ReplyListener(
            consumerConfig(s.kafka(), s.bootstrapServers(), s.clientId()),
            topics.results(),
            topics.chunks(),
            STREAM_GRACE,
            s.clientId() + "-replies");
  }

  /** The producer's configuration: the user's Kafka properties, then the client's own over them. */
  static Map<String, Object> producerConfig(
      Map<String, Object> kafka, String bootstrapServers, String clientId) {
    Map<String, Object> producerConfig = new HashMap<>(kafka);
    producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-producer");
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return producerConfig;
  }

  /** The reply consumer's configuration: the user's Kafka properties, then the client's own. */
  static Map<String, Object> consumerConfig(
      Map<String, Object> kafka, String bootstrapServers, String clientId) {
    Map<String, Object> consumerConfig = new HashMap<>(kafka);
    consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    consumerConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-replies");
    consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumerConfig.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    // The router publishes its REJECTED results in transactions: one of an aborted transaction is
    // not an answer.
    consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumerConfig.put(
        ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false); // the services own their topics
    return consumerConfig;
  }

  /** A builder; only the bootstrap servers are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The topic names this client uses. */
  public Topics topics() {
    return topics;
  }

  /**
   * The topic this client reads its results from, named by every request it sends; empty when it
   * reads the shared results topic ({@link Builder#readResultsTopic()}) or has neither a team nor a
   * reply topic to read.
   */
  public Optional<String> replyTopic() {
    return Optional.ofNullable(settings.replyTopic());
  }

  /** The topics the client's consumer reads now, for tests. */
  Set<String> listenedTopics() {
    return replies.listenedTopics();
  }

  /**
   * Submits a request and completes with its terminal result, whatever its status (check {@link
   * CompletionResult#getStatus()}), or with a {@link TimeoutException} after the client's timeout.
   */
  public CompletableFuture<CompletionResult> submit(CompletionRequest request) {
    return send(request, null, null, settings.timeout());
  }

  /** As {@link #submit(CompletionRequest)}, waiting at most {@code timeout}. */
  public CompletableFuture<CompletionResult> submit(CompletionRequest request, Duration timeout) {
    return send(request, null, null, timeout);
  }

  /**
   * Submits a request with streaming on and calls {@code onDelta} with each piece of the answer, in
   * order, as the provider streams it; the future completes with the result after the last delta.
   * The deltas add up to the result's text (a cached answer arrives as one delta), unless an
   * attempt failed after streaming part of its answer and a retry or fallback streamed again: use
   * {@link #stream(CompletionRequest, Consumer, IntConsumer)} to be told when to discard the text
   * of a failed attempt. {@code onDelta} runs on the client's listener thread: keep it short, and
   * do not block in it; if it throws, the future fails with that exception.
   */
  public CompletableFuture<CompletionResult> stream(
      CompletionRequest request, Consumer<String> onDelta) {
    return stream(request, onDelta, attempt -> {});
  }

  /**
   * As {@link #stream(CompletionRequest, Consumer)}, and calls {@code onRestart} with the number of
   * the attempt now answering when the deltas delivered so far belong to an attempt that failed
   * half-way (the retry or fallback streams the answer again from its beginning, and a late chunk
   * of the failed attempt is dropped): discard them. The deltas after the last restart add up to
   * the result's text, and are never two attempts' text spliced together.
   */
  public CompletableFuture<CompletionResult> stream(
      CompletionRequest request, Consumer<String> onDelta, IntConsumer onRestart) {
    Objects.requireNonNull(onDelta, "onDelta");
    Objects.requireNonNull(onRestart, "onRestart");
    return send(
        CompletionRequest.newBuilder(request).setStream(true).build(),
        onDelta,
        onRestart,
        settings.timeout());
  }

  /**
   * Submits a request asking for an answer shaped as {@code type} (a record or bean): the type's
   * JSON Schema is sent as the response format, the answer is validated against it and bound with
   * Jackson. An answer that does not fit gets one repair request (the invalid answer and the
   * errors, under id {@code <id>:repair}); if that answer does not fit either, the future fails
   * with a {@link StructuredOutputException} carrying the raw text and the errors. A result that is
   * not SUCCEEDED fails it with a {@link CompletionFailedException}.
   */
  public <T> CompletableFuture<T> submit(CompletionRequest request, Class<T> type) {
    StructuredOutput<T> output = StructuredOutput.of(type);
    CompletionRequest first;
    try {
      first = output.request(withDefaults(request));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return submit(first)
        .thenCompose(
            result -> {
              StructuredOutput.Check<T> check = output.check(succeeded(result));
              if (check.value().isPresent()) {
                return CompletableFuture.completedFuture(check.value().get());
              }
              CompletionRequest repair = output.repair(first, check);
              return submit(repair)
                  .thenApply(
                      again -> {
                        StructuredOutput.Check<T> second = output.check(succeeded(again));
                        return second
                            .value()
                            .orElseThrow(
                                () ->
                                    new StructuredOutputException(
                                        repair.getId(), type, second.rawText(), second.errors()));
                      });
            });
  }

  /**
   * Submits every request of a stream with at most the client's {@code maxOutstanding} awaiting a
   * result at once (the stream is read only as fast as results come back), calling {@code progress}
   * (from several threads) after each send and each result. Completes with the results in the
   * stream's order once all are in; if some got no result (timeout, refused by the broker) it
   * completes exceptionally after all others are in, with the first such cause.
   */
  public CompletableFuture<List<CompletionResult>> submitAll(
      Stream<CompletionRequest> requests, Consumer<BatchProgress> progress) {
    return BatchSubmission.start(
        this::submit,
        requests,
        settings.maxOutstanding(),
        progress,
        settings.clientId() + "-submit-all");
  }

  /**
   * Publishes a template to the compacted templates topic (key {@code name@version}) after checking
   * that it parses; routers render requests that name it from then on. Blocks until the broker has
   * it.
   */
  public void publishTemplate(PromptTemplate template) throws TemplateException {
    renderer.check(template);
    PromptTemplate stamped =
        PromptTemplate.newBuilder(template).setPublishedAt(Instant.now()).build();
    String key = new TemplateId(template.getName(), template.getVersion()).key();
    await(
        producer.send(
            new ProducerRecord<>(
                topics.templates(), key, templates.encode(topics.templates(), stamped))),
        "publish template " + key);
  }

  /**
   * Removes a template version from the templates topic (a tombstone); requests naming it are
   * rejected afterwards.
   */
  public void retireTemplate(String name, String version) {
    String key = new TemplateId(name, version).key();
    await(
        producer.send(new ProducerRecord<>(topics.templates(), key, null)),
        "retire template " + key);
  }

  @Override
  public void close() {
    replies.close();
    producer.close(Duration.ofSeconds(10));
  }

  private CompletableFuture<CompletionResult> send(
      CompletionRequest request,
      Consumer<String> onDelta,
      IntConsumer onRestart,
      Duration timeout) {
    CompletionRequest ready;
    CompletableFuture<CompletionResult> result;
    try {
      ready = withDefaults(request);
      // Awaited before anything is sent, and timed from now, so that neither a fast result nor a
      // stuck step is missed.
      result = replies.await(ready.getId(), onDelta, onRestart);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .execute(
            () ->
                result.completeExceptionally(
                    new TimeoutException(
                        "no result for request " + ready.getId() + " within " + timeout + hint())));
    CompletableFuture<Void> listening = listenForResultOf(ready);
    if (onDelta != null) {
      listening = listening.thenCompose(v -> replies.listen(topics.chunks()));
    }
    listening.whenComplete(
        (v, failure) -> {
          if (failure != null) {
            result.completeExceptionally(Stages.unwrap(failure));
          } else if (!result.isDone()) {
            producer.send(
                new ProducerRecord<>(
                    ingressTopic(), ready.getId(), requests.encode(ingressTopic(), ready)),
                (meta, e) -> {
                  if (e != null) {
                    result.completeExceptionally(
                        new IllegalStateException(
                            "Kafka did not take request " + ready.getId() + ": " + e, e));
                  }
                });
          }
        });
    return result;
  }

  /**
   * Listens where the request's result arrives: its reply topic (the client's own, created first
   * when missing, unless the request names another) or, for a client reading the shared results
   * topic, there and on the request's reply topic if it names one.
   */
  private CompletableFuture<Void> listenForResultOf(CompletionRequest ready) {
    String reply = ready.getReplyTopic();
    if (settings.readsResultsTopic()) {
      CompletableFuture<Void> results = replies.listen(topics.results());
      return reply == null ? results : results.thenCompose(v -> replies.listen(reply));
    }
    if (reply == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException(
              "the client has no reply topic to read request "
                  + ready.getId()
                  + "'s result from: give it a defaultTeam (it then reads "
                  + ReplyTopic.of(replyPrefix(), "<team>", settings.clientId())
                  + "), a replyTopic, or readResultsTopic()"));
    }
    if (!reply.equals(settings.replyTopic())) {
      return replies.listen(reply);
    }
    return replyTopicCreated().thenCompose(v -> replies.listen(reply));
  }

  /** Creates the client's reply topic unless it exists, once (again after a failure). */
  private CompletableFuture<Void> replyTopicCreated() {
    synchronized (this) {
      if (replyTopicCreated == null || replyTopicCreated.isCompletedExceptionally()) {
        replyTopicCreated =
            CompletableFuture.runAsync(
                () ->
                    ReplyTopic.ensure(
                        settings.kafka(),
                        settings.bootstrapServers(),
                        settings.clientId(),
                        settings.replyTopic()),
                task ->
                    Thread.ofPlatform()
                        .daemon()
                        .name(settings.clientId() + "-reply-topic")
                        .start(task));
      }
      return replyTopicCreated;
    }
  }

  /** What a timeout's message adds: where the result was awaited, and why it may not come. */
  private String hint() {
    if (settings.readsResultsTopic()) {
      return " (is the router running, and the results topic "
          + topics.results()
          + " the one it writes?)";
    }
    return " on reply topic "
        + settings.replyTopic()
        + " (are the router and the workers running, and allowed to write to "
        + replyPrefix()
        + "? The result may still be on "
        + topics.results()
        + ")";
  }

  private String replyPrefix() {
    return ReplyTopics.defaults(topics).prefix();
  }

  /**
   * Fills in the id, the team, the submission time, the client's reply topic, and renders a
   * template locally when the client has a library.
   */
  private CompletionRequest withDefaults(CompletionRequest request) {
    CompletionRequest.Builder b = CompletionRequest.newBuilder(request);
    if (request.getId() == null || request.getId().isBlank()) {
      b.setId(UUID.randomUUID().toString());
    }
    String ingressTeam = settings.ingressTeam();
    if (ingressTeam != null
        && request.getTeam() != null
        && !request.getTeam().isBlank()
        && !request.getTeam().equals(ingressTeam)) {
      throw new IllegalArgumentException(
          "request "
              + b.getId()
              + " names team '"
              + request.getTeam()
              + "', but the client publishes to team '"
              + ingressTeam
              + "''s own topic, where the router refuses any other team");
    }
    if (request.getTeam() == null || request.getTeam().isBlank()) {
      if (settings.defaultTeam() == null) {
        throw new IllegalArgumentException(
            "request "
                + b.getId()
                + " has no team and the client has no default team: set "
                + "one with CompletionRequests.builder().team(...) or PromptyardClient.builder().defaultTeam(...)");
      }
      b.setTeam(settings.defaultTeam());
    }
    if (request.getSubmittedAt() == null) {
      b.setSubmittedAt(Instant.now());
    }
    if (request.getReplyTopic() == null && settings.replyTopic() != null) {
      b.setReplyTopic(settings.replyTopic());
    }
    CompletionRequest ready = b.build();
    if (settings.templates() != null && ready.getTemplate() != null) {
      try {
        return renderer.expand(ready, settings.templates());
      } catch (TemplateException e) {
        throw new IllegalArgumentException("request " + ready.getId() + ": " + e.getMessage(), e);
      }
    }
    return ready;
  }

  /** The shared Avro ingress topic, or the team's own when the client was built for one. */
  private String ingressTopic() {
    return settings.ingressTeam() == null
        ? topics.requests()
        : topics.teamRequests(settings.ingressTeam());
  }

  private static CompletionResult succeeded(CompletionResult result) {
    if (result.getStatus() != ResultStatus.SUCCEEDED) {
      throw new CompletionFailedException(result);
    }
    return result;
  }

  private static void await(java.util.concurrent.Future<?> sent, String what) {
    try {
      sent.get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to " + what, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not " + what + ": " + e, e);
    }
  }

  /** Configures a client; {@link #bootstrapServers} is required, everything else has a default. */
  public static final class Builder {
    private String bootstrapServers;
    private String topicPrefix = Topics.DEFAULT_PREFIX;
    private String clientId = "promptyard-client-" + UUID.randomUUID().toString().substring(0, 8);
    private String defaultTeam;
    private String teamTopic;
    private String replyTopic;
    private boolean readResultsTopic;
    private Duration timeout = Duration.ofMinutes(5);
    private int maxOutstanding = 256;
    private TemplateLibrary templates;
    private final Map<String, Object> kafka = new HashMap<>();

    private Builder() {}

    /** Kafka's bootstrap servers, {@code host:port[,host:port…]}. */
    public Builder bootstrapServers(String servers) {
      this.bootstrapServers = servers;
      return this;
    }

    /** The prefix of Promptyard's topics; default {@code promptyard.}. */
    public Builder topicPrefix(String prefix) {
      this.topicPrefix = prefix;
      return this;
    }

    /** Names this client's Kafka connections (in broker logs and quotas). */
    public Builder clientId(String id) {
      this.clientId = id;
      return this;
    }

    /** The team of requests that name none. */
    public Builder defaultTeam(String team) {
      this.defaultTeam = team;
      return this;
    }

    /**
     * Publishes to {@code team}'s own ingress topic ({@code <prefix>team.<team>.requests}) instead
     * of the shared one, for a router reading team topics ({@code
     * PROMPTYARD_ROUTER_INGRESS=teams}), where Kafka ACLs let only the team's principal write.
     * Requests that name no team are that team's; a request naming another is refused before it is
     * sent.
     */
    public Builder teamTopic(String team) {
      this.teamTopic = team;
      return this;
    }

    /**
     * The topic this client instance reads its results from, and which every request it sends
     * names; it must be under the reply prefix the services allow ({@code promptyard.replies.} by
     * default) and no other instance's. By default {@code <prefix>replies.<team>.<clientId>}, for a
     * client with a team; the client creates it when missing (one partition, one hour's retention).
     */
    public Builder replyTopic(String topic) {
      this.replyTopic = topic;
      return this;
    }

    /**
     * Reads the shared results topic, every team's results, instead of a reply topic: for trusted
     * applications that read every result (or services older than reply topics, whose routers sent
     * their own {@code REJECTED} results to that topic only). Needs READ on it.
     */
    public Builder readResultsTopic() {
      this.readResultsTopic = true;
      return this;
    }

    /** How long {@link #submit} and {@link #stream} wait for a result; default 5 minutes. */
    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /** How many requests {@link #submitAll} keeps awaiting a result at once; default 256. */
    public Builder maxOutstanding(int max) {
      this.maxOutstanding = max;
      return this;
    }

    /**
     * Renders templates locally from this library (for example a {@code TemplateDirectory}) instead
     * of in the router.
     */
    public Builder templates(TemplateLibrary library) {
      this.templates = library;
      return this;
    }

    /**
     * Any other Kafka client setting, for producer and consumer alike (security.protocol, sasl.*,
     * ssl.*…).
     */
    public Builder kafkaProperty(String key, Object value) {
      kafka.put(key, value);
      return this;
    }

    /**
     * Many Kafka client settings at once, e.g. a {@link java.util.Properties} loaded from a client
     * properties file; the client's own settings (acks, idempotence, isolation level, serializers)
     * are kept.
     */
    public Builder kafkaProperties(Map<?, ?> properties) {
      properties.forEach((k, v) -> kafka.put(String.valueOf(k), v));
      return this;
    }

    /**
     * The client, connected.
     *
     * @throws IllegalStateException when the bootstrap servers are missing or a value is out of
     *     range
     */
    public PromptyardClient build() {
      if (bootstrapServers == null || bootstrapServers.isBlank()) {
        throw new IllegalStateException(
            "bootstrapServers is required (host:port of a Kafka broker)");
      }
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalStateException("timeout must be positive, was " + timeout);
      }
      if (maxOutstanding < 1) {
        throw new IllegalStateException("maxOutstanding must be at least 1, was " + maxOutstanding);
      }
      Objects.requireNonNull(topicPrefix, "topicPrefix");
      if (teamTopic != null) {
        try {
          new Topics(topicPrefix).teamRequests(teamTopic);
        } catch (IllegalArgumentException e) {
          throw new IllegalStateException("teamTopic: " + e.getMessage(), e);
        }
        if (defaultTeam != null && !defaultTeam.equals(teamTopic)) {
          throw new IllegalStateException(
              "defaultTeam '"
                  + defaultTeam
                  + "' is not teamTopic '"
                  + teamTopic
                  + "': on a team's topic every request is that team's");
        }
      }
      Topics topics = new Topics(topicPrefix);
      String team = teamTopic != null ? teamTopic : defaultTeam;
      return new PromptyardClient(
          new Settings(
              bootstrapServers,
              topicPrefix,
              clientId,
              team,
              teamTopic,
              checkedReplyTopic(topics, team),
              readResultsTopic,
              timeout,
              maxOutstanding,
              templates,
              Map.copyOf(kafka)));
    }

    /** The reply topic given or derived, checked; null when there is none or none is read. */
    private String checkedReplyTopic(Topics topics, String team) {
      if (readResultsTopic) {
        if (replyTopic != null) {
          throw new IllegalStateException("replyTopic and readResultsTopic() exclude each other");
        }
        return null;
      }
      String topic = replyTopic;
      if (topic == null) {
        if (team == null) {
          return null;
        }
        topic = ReplyTopic.of(ReplyTopics.defaults(topics).prefix(), team, clientId);
      }
      Optional<String> illegal = ReplyTopic.illegal(topic);
      if (illegal.isPresent()) {
        throw new IllegalStateException(illegal.get());
      }
      if (topics.isInternal(topic)) {
        throw new IllegalStateException(
            "reply topic " + topic + " is one of Promptyard's own topics");
      }
      return topic;
    }
  }
}
