package io.promptyard.router;

import io.promptyard.router.routing.RoutingOutcome;
import io.promptyard.router.routing.RoutingPolicy;
import io.promptyard.router.templates.TopicTemplates;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.ingress.InvalidRequestException;
import io.promptyard.schemas.ingress.JsonIngress;
import io.promptyard.schemas.results.TerminalResults;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.UndecodableRecordException;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.templates.TemplateException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's Kafka Streams topology: reads the Avro and JSON request topics, and sends each record to
 * exactly one place — its provider's route topic, a REJECTED result, or the dead-letter topic when its
 * bytes cannot be read. No record stops the stream.
 */
public final class RouterTopology {

  static final String AVRO_SOURCE = "avro-requests";
  static final String JSON_SOURCE = "json-requests";
  static final String ROUTE = "route";
  static final String TO_PROVIDER = "to-provider";
  static final String TO_RESULTS = "to-results";
  static final String TO_DLQ = "to-dlq";

  private RouterTopology() {}

  /** Builds the topology for the given topic names and routing policy. */
  public static Topology build(Topics topics, RoutingPolicy policy) {
    AvroSerde<RoutedRequest> routed = AvroSerde.of(RoutedRequest.class);
    AvroSerde<CompletionResult> results = AvroSerde.of(CompletionResult.class);
    AvroSerde<DeadLetter> deadLetters = AvroSerde.of(DeadLetter.class);
    StringSerializer keys = new StringSerializer();
    ByteArrayDeserializer bytes = new ByteArrayDeserializer();

    Topology topology = new Topology();
    topology.addSource(AVRO_SOURCE, bytes, bytes, topics.requests());
    topology.addSource(JSON_SOURCE, bytes, bytes, topics.requestsJson());
    topology.addProcessor(ROUTE, () -> new RouteProcessor(topics, policy), AVRO_SOURCE, JSON_SOURCE);
    topology.addSink(TO_PROVIDER, (key, value, ctx) -> topics.route(((RoutedRequest) value).getDecision().getProvider()),
        keys, routed.serializer(), ROUTE);
    topology.addSink(TO_RESULTS, topics.results(), keys, results.serializer(), ROUTE);
    topology.addSink(TO_DLQ, topics.deadLetters(), keys, deadLetters.serializer(), ROUTE);
    TopicTemplates.addTo(topology, topics);
    return topology;
  }

  /** Decodes one request, decides its route and forwards it to the matching sink. */
  static final class RouteProcessor implements Processor<byte[], byte[], String, Object> {
    private static final Logger log = LoggerFactory.getLogger(RouteProcessor.class);

    private final Topics topics;
    private final RoutingPolicy policy;
    private final AvroSerde<CompletionRequest> requests = AvroSerde.of(CompletionRequest.class);
    private ProcessorContext<String, Object> context;
    private TopicTemplates templates;

    RouteProcessor(Topics topics, RoutingPolicy policy) {
      this.topics = topics;
      this.policy = policy;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
      this.context = context;
      this.templates = TopicTemplates.of(context);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
      String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("?");
      String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
      CompletionRequest request;
      try {
        request = topic.equals(topics.requestsJson()) ? JsonIngress.parse(record.value(), key) : requests.decode(record.value());
      } catch (UndecodableRecordException e) {
        deadLetter(record, topic, key, e.getMessage());
        return;
      } catch (InvalidRequestException e) {
        log.info("rejected request {} from {}: {}", e.requestId(), topic, e.getMessage());
        CompletionResult result = TerminalResults.unsuccessful(e.requestId(), e.team(), ResultStatus.REJECTED,
            ErrorCode.INVALID_REQUEST, e.getMessage(), false, null, 0).build();
        context.forward(record.withKey(result.getId()).withValue((Object) result), TO_RESULTS);
        return;
      }
      RoutingOutcome outcome;
      try {
        outcome = policy.decide(templates.expand(request));
      } catch (TemplateException e) {
        outcome = new RoutingOutcome.Rejected(ErrorCode.INVALID_REQUEST, e.getMessage());
      }
      switch (outcome) {
        case RoutingOutcome.Routed routed ->
            context.forward(record.withKey(request.getId()).withValue((Object) routed.request()), TO_PROVIDER);
        case RoutingOutcome.Rejected rejected -> {
          log.info("rejected request {} of team {}: {}", request.getId(), request.getTeam(), rejected.reason());
          CompletionResult result = TerminalResults.unsuccessful(request, ResultStatus.REJECTED, rejected.code(),
              rejected.reason(), false, null, 0);
          context.forward(record.withKey(request.getId()).withValue((Object) result), TO_RESULTS);
        }
      }
    }

    private void deadLetter(Record<byte[], byte[]> record, String topic, String key, String reason) {
      RecordMetadata meta = context.recordMetadata().orElseThrow();
      log.warn("undecodable record at {}-{}@{} sent to the dead-letter topic: {}", topic, meta.partition(), meta.offset(), reason);
      DeadLetter letter = TerminalResults.deadLetter(topic, meta.partition(), meta.offset(), record.key(), record.value(),
          record.headers(), ErrorCode.UNDECODABLE, reason).setRequestId(key).build();
      context.forward(record.withKey(key).withValue((Object) letter), TO_DLQ);
    }
  }
}
