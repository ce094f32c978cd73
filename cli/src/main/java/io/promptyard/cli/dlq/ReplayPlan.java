package io.promptyard.cli.dlq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.ModelSpec;
import io.promptyard.router.validation.RequestValidator;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingHints;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.UndecodableRecordException;
import io.promptyard.schemas.topics.RecordHeaders;
import io.promptyard.schemas.topics.Topics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Turns a dead letter back into the record to publish, so that it enters through the router again
 * (validation, budget gate, routing) and never goes straight to a provider:
 *
 * <ul>
 *   <li>a worker's letter (its value a routed request) goes, its request's overrides applied, to
 *       the {@linkplain Topics#replays replay topic}, where the router routes the request afresh
 *       and keeps the job's attempt history; it is marked with {@link RecordHeaders#REPLAY} naming
 *       the dead letter and the time of the replay; the router keeps that mark on that topic only,
 *       and the worker then runs the id again even though it FAILED. A chosen provider becomes a
 *       {@linkplain io.promptyard.schemas.RoutingHints#getPinnedModel pin} the router checks like
 *       any other request's;
 *   <li>a router's letter (its request never routed) goes back to the ingress topic it came from,
 *       overrides applied, as a fresh request.
 * </ul>
 *
 * The record keeps the original key (the request id) and the original headers, less Promptyard's
 * own. Whatever the router would reject is refused here first, naming the dead letter.
 */
public record ReplayPlan(
    Topics topics, ModelCatalog catalog, RequestValidator validator, Clock clock) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AvroSerde<RoutedRequest> ROUTED = AvroSerde.of(RoutedRequest.class);
  private static final AvroSerde<CompletionRequest> REQUEST = AvroSerde.of(CompletionRequest.class);

  /** How replayed requests are routed. */
  public sealed interface Target permits RouterDecides, ToProvider {}

  /** As the router decides for the request, with its own model and hints. */
  public record RouterDecides() implements Target {}

  /**
   * Pinned to a provider's model: the router routes there, or rejects the request, and nowhere
   * else.
   *
   * @param model the model at that provider; empty to keep the job's model or take the provider's
   *     entry of its fallback chain
   */
  public record ToProvider(String provider, Optional<String> model) implements Target {}

  /** One record to publish, and what it is in words. */
  public record Replay(
      LetterOnTopic source, ProducerRecord<byte[], byte[]> record, String description) {}

  /**
   * The record that replays {@code l}; an error, naming the dead letter, when it cannot be replayed
   * so.
   */
  public Replay plan(LetterOnTopic l, Target target, ParameterOverrides overrides) {
    DeadLetter letter = l.letter();
    if (letter.getValue() == null) {
      throw cannot(l, "it kept no record value");
    }
    byte[] original = bytes(letter.getValue());
    Optional<RoutedRequest> job = routed(original);
    if (job.isPresent()) {
      CompletionRequest request = job.get().getRequest();
      String pin = "";
      if (target instanceof ToProvider p) {
        ModelSpec model = model(l, job.get(), p);
        request = pinned(l, request, model);
        pin = ", pinned to " + model.qualifiedName();
      }
      request = overrides.isEmpty() ? request : withOverrides(request, overrides);
      checked(l, request);
      String topic = topics.replays();
      // The router routes the request afresh and keeps the attempts, so that the replay's usage
      // event ids (id:attempt) do not repeat the first run's.
      RoutedRequest replayed = RoutedRequest.newBuilder(job.get()).setRequest(request).build();
      return new Replay(
          l,
          record(l, topic, ROUTED.encode(topic, replayed)),
          "through the router via " + topic + pin + with(overrides));
    }
    String origin = letter.getOriginTopic();
    if (origin == null || origin.isBlank()) {
      throw cannot(l, "it does not say which topic it came from");
    }
    if (topics.isRoute(origin)) {
      throw cannot(
          l,
          "it came from "
              + origin
              + " but holds no routed request, so the router could not route it again");
    }
    if (target instanceof ToProvider) {
      throw cannot(
          l,
          "it holds a request from "
              + origin
              + " that was never routed; replay it without --to-provider, and the router will route it");
    }
    byte[] value = overrides.isEmpty() ? original : withOverrides(l, origin, original, overrides);
    return new Replay(l, record(l, origin, value), "to " + origin + with(overrides));
  }

  private static String with(ParameterOverrides overrides) {
    return overrides.isEmpty() ? "" : " with " + overrides;
  }

  /** The request pinned to {@code model}, unless it excludes that provider itself. */
  private static CompletionRequest pinned(
      LetterOnTopic l, CompletionRequest request, ModelSpec model) {
    RoutingHints hints =
        request.getRouting() == null ? RoutingHints.newBuilder().build() : request.getRouting();
    if (hints.getExcludedProviders().contains(model.provider())) {
      throw cannot(l, "the request excludes provider " + model.provider());
    }
    return CompletionRequest.newBuilder(request)
        .setRouting(RoutingHints.newBuilder(hints).setPinnedModel(model.qualifiedName()).build())
        .build();
  }

  /** The request, when the router's validation accepts it. */
  private void checked(LetterOnTopic l, CompletionRequest request) {
    validator
        .problem(request)
        .ifPresent(
            problem -> {
              throw cannot(l, "the router would reject it: " + problem);
            });
  }

  private ModelSpec model(LetterOnTopic l, RoutedRequest job, ToProvider p) {
    if (catalog.provider(p.provider()).isEmpty()) {
      throw new IllegalArgumentException(
          "provider "
              + p.provider()
              + " is not in the catalog (known: "
              + catalog.providers().stream()
                  .map(s -> s.name())
                  .sorted()
                  .collect(Collectors.joining(", "))
              + ")");
    }
    String offered =
        catalog.models().stream()
            .filter(m -> m.provider().equals(p.provider()))
            .map(ModelSpec::id)
            .collect(Collectors.joining(", "));
    if (p.model().isPresent()) {
      return catalog
          .find(p.provider(), p.model().get())
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "provider "
                          + p.provider()
                          + " has no model "
                          + p.model().get()
                          + " in the catalog (it offers: "
                          + offered
                          + ")"));
    }
    Optional<ModelSpec> fromChain =
        job.getDecision().getFallbackChain().stream()
            .filter(m -> m.getProvider().equals(p.provider()))
            .findFirst()
            .flatMap(m -> catalog.find(m.getProvider(), m.getModel()));
    return fromChain
        .or(() -> catalog.find(p.provider(), job.getDecision().getModel()))
        .orElseThrow(
            () ->
                cannot(
                    l,
                    "provider "
                        + p.provider()
                        + " does not offer "
                        + job.getDecision().getModel()
                        + " and is not in the job's fallback chain; name a model with --model (it offers: "
                        + offered
                        + ")"));
  }

  /**
   * A router's letter with the overrides in place: an Avro request is checked as a whole, a JSON
   * body's values were checked as {@code --set} read them (the router reads the rest).
   */
  private byte[] withOverrides(
      LetterOnTopic l, String topic, byte[] original, ParameterOverrides overrides) {
    Optional<CompletionRequest> request = request(original);
    if (request.isPresent()) {
      CompletionRequest changed = withOverrides(request.get(), overrides);
      checked(l, changed);
      return REQUEST.encode(topic, changed);
    }
    try {
      JsonNode body = JSON.readTree(original);
      if (body instanceof ObjectNode object) {
        return JSON.writeValueAsBytes(overrides.applyTo(object));
      }
    } catch (IOException e) {
      // neither
    }
    throw cannot(l, "its value is neither a request nor a JSON body, so --set cannot change it");
  }

  private static CompletionRequest withOverrides(
      CompletionRequest request, ParameterOverrides overrides) {
    return CompletionRequest.newBuilder(request)
        .setParameters(overrides.applyTo(request.getParameters()))
        .build();
  }

  private static Optional<RoutedRequest> routed(byte[] value) {
    try {
      return Optional.of(ROUTED.decode(value));
    } catch (UndecodableRecordException e) {
      return Optional.empty();
    }
  }

  private static Optional<CompletionRequest> request(byte[] value) {
    try {
      return Optional.of(REQUEST.decode(value));
    } catch (UndecodableRecordException e) {
      return Optional.empty();
    }
  }

  /**
   * The replayed record: the original key (else the request id) and headers less Promptyard's own;
   * on the replay topic, marked as a replay of this letter.
   */
  private ProducerRecord<byte[], byte[]> record(LetterOnTopic l, String topic, byte[] value) {
    DeadLetter letter = l.letter();
    byte[] key =
        letter.getKey() != null
            ? bytes(letter.getKey())
            : l.requestId() == null ? null : l.requestId().getBytes(StandardCharsets.UTF_8);
    List<Header> headers = new ArrayList<>();
    for (io.promptyard.schemas.RecordHeader h : letter.getHeaders()) {
      // The marks of a previous replay or retry do not belong to this fresh request; the router
      // would drop them anyway.
      if (!RecordHeaders.isInternal(h.getKey())) {
        headers.add(
            new RecordHeader(h.getKey(), h.getValue() == null ? null : bytes(h.getValue())));
      }
    }
    if (topic.equals(topics.replays())) {
      // The time makes each replay its own: workers tell a replay delivered again from a new
      // replay of the same letter.
      String replay = l.replaySource() + " at " + clock.instant();
      headers.add(new RecordHeader(RecordHeaders.REPLAY, replay.getBytes(StandardCharsets.UTF_8)));
    }
    return new ProducerRecord<>(topic, null, key, value, headers);
  }

  static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer b = buffer.duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  private static IllegalArgumentException cannot(LetterOnTopic l, String why) {
    return new IllegalArgumentException(
        "dead letter "
            + l.position()
            + " (request "
            + l.requestId()
            + ") cannot be replayed "
            + "that way: "
            + why);
  }
}
