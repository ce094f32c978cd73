package io.promptyard.cli.dlq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.ModelSpec;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.ModelRef;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
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
 * Turns a dead letter back into the record to publish: to its original topic, its bytes as they
 * were, or to a chosen provider, its routing decision rewritten; parameter overrides applied either
 * way. The record keeps the original key (the request id) and headers, and carries {@link
 * RecordHeaders#REPLAY} naming the dead letter and the time of the replay.
 */
public record ReplayPlan(Topics topics, ModelCatalog catalog, Clock clock) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AvroSerde<RoutedRequest> ROUTED = AvroSerde.of(RoutedRequest.class);
  private static final AvroSerde<CompletionRequest> REQUEST = AvroSerde.of(CompletionRequest.class);

  /** Where replayed records go. */
  public sealed interface Target permits Original, ToProvider {}

  /** The topic the record was read from when it failed. */
  public record Original() implements Target {}

  /**
   * A provider's route topic, with a rewritten decision.
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
    return switch (target) {
      case Original o -> {
        if (letter.getOriginTopic() == null || letter.getOriginTopic().isBlank()) {
          throw cannot(l, "it does not say which topic it came from; replay it with --to-provider");
        }
        byte[] value = overrides.isEmpty() ? original : withOverrides(l, original, overrides);
        yield new Replay(
            l,
            record(l, letter.getOriginTopic(), value, false),
            "to " + letter.getOriginTopic() + (overrides.isEmpty() ? "" : " with " + overrides));
      }
      case ToProvider p -> {
        RoutedRequest job =
            routed(original)
                .orElseThrow(
                    () ->
                        cannot(
                            l,
                            "it holds a request from "
                                + letter.getOriginTopic()
                                + " that was never routed; replay it to its original topic"));
        ModelSpec model = model(l, job, p);
        RoutedRequest rerouted = reroute(l, job, model, overrides);
        yield new Replay(
            l,
            record(l, topics.route(model.provider()), ROUTED.encode(rerouted), true),
            "to "
                + topics.route(model.provider())
                + " as "
                + model.qualifiedName()
                + (overrides.isEmpty() ? "" : " with " + overrides));
      }
    };
  }

  private RoutedRequest reroute(
      LetterOnTopic l, RoutedRequest job, ModelSpec model, ParameterOverrides overrides) {
    List<ModelRef> chain =
        job.getDecision().getFallbackChain().stream()
            .filter(
                m -> !(m.getProvider().equals(model.provider()) && m.getModel().equals(model.id())))
            .toList();
    RoutingDecision decision =
        RoutingDecision.newBuilder(job.getDecision())
            .setProvider(model.provider())
            .setModel(model.id())
            .setFallbackChain(chain)
            .setReason(
                "replayed by an operator from dead letter "
                    + l.replaySource()
                    + " to "
                    + model.qualifiedName()
                    + " (was "
                    + job.getDecision().getProvider()
                    + "/"
                    + job.getDecision().getModel()
                    + ")")
            .setRoutedAt(clock.instant())
            .build();
    CompletionRequest request =
        overrides.isEmpty() ? job.getRequest() : withOverrides(job.getRequest(), overrides);
    return RoutedRequest.newBuilder(job).setRequest(request).setDecision(decision).build();
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

  private byte[] withOverrides(LetterOnTopic l, byte[] original, ParameterOverrides overrides) {
    Optional<RoutedRequest> job = routed(original);
    if (job.isPresent()) {
      return ROUTED.encode(
          RoutedRequest.newBuilder(job.get())
              .setRequest(withOverrides(job.get().getRequest(), overrides))
              .build());
    }
    try {
      CompletionRequest request = REQUEST.decode(original);
      return REQUEST.encode(withOverrides(request, overrides));
    } catch (UndecodableRecordException e) {
      // not an Avro request; perhaps a JSON ingress body
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

  /**
   * The replayed record: the original key (else the request id) and headers, less the marks of a
   * previous replay and, when it goes straight to a route topic, the retry topic's due time.
   */
  private ProducerRecord<byte[], byte[]> record(
      LetterOnTopic l, String topic, byte[] value, boolean rerouted) {
    DeadLetter letter = l.letter();
    byte[] key =
        letter.getKey() != null
            ? bytes(letter.getKey())
            : l.requestId() == null ? null : l.requestId().getBytes(StandardCharsets.UTF_8);
    List<Header> headers = new ArrayList<>();
    for (io.promptyard.schemas.RecordHeader h : letter.getHeaders()) {
      // A letter of a job replayed before carries that replay's marks; this replay is a fresh one.
      if (h.getKey().equals(RecordHeaders.REPLAY)
          || h.getKey().equals(RecordHeaders.ATTEMPTS_BEFORE_REPLAY)
          || (rerouted && h.getKey().equals(RecordHeaders.DUE_AT))) {
        continue;
      }
      headers.add(new RecordHeader(h.getKey(), h.getValue() == null ? null : bytes(h.getValue())));
    }
    // The time makes each replay its own: workers tell a replay delivered again from a new replay
    // of the same letter.
    String replay = l.replaySource() + " at " + clock.instant();
    headers.add(new RecordHeader(RecordHeaders.REPLAY, replay.getBytes(StandardCharsets.UTF_8)));
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
