package io.promptyard.usage;

import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.UsageEvent;
import io.promptyard.schemas.UsageTotals;
import io.promptyard.schemas.results.TerminalResults;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.UndecodableRecordException;
import io.promptyard.schemas.topics.Topics;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The usage aggregator's topology: per-team daily totals of requests, tokens and cost from the usage topic,
 * counting each event id once. The usage topic is keyed by team, so an event and its duplicates always meet
 * the same partition's stores.
 */
public final class UsageTopology {

  /** Queryable store: key {@code team|yyyy-mm-dd}, value {@link UsageTotals}. */
  public static final String TEAM_DAILY_STORE = "team-daily-totals";
  static final String SEEN_STORE = "usage-seen-events";
  static final String SOURCE = "usage";
  static final String AGGREGATE = "aggregate";
  static final String TO_TOTALS = "to-totals";
  static final String TO_DLQ = "to-dlq";

  private UsageTopology() {}

  public static Topology build(Topics topics) {
    AvroSerde<UsageTotals> totals = AvroSerde.of(UsageTotals.class);
    Topology topology = new Topology();
    topology.addSource(SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), topics.usage());
    topology.addProcessor(AGGREGATE, AggregateProcessor::new, SOURCE);
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TEAM_DAILY_STORE), Serdes.String(), totals),
        AGGREGATE);
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SEEN_STORE), Serdes.String(), Serdes.Long()),
        AGGREGATE);
    topology.addSink(TO_TOTALS, topics.usageTotals(), new StringSerializer(), totals.serializer(), AGGREGATE);
    topology.addSink(TO_DLQ, topics.deadLetters(), new StringSerializer(), AvroSerde.of(DeadLetter.class).serializer(), AGGREGATE);
    return topology;
  }

  /** The store key of a team's totals for the UTC day containing {@code at}. */
  public static String teamDayKey(String team, Instant at) {
    return team + "|" + at.atZone(ZoneOffset.UTC).toLocalDate();
  }

  /** Adds each new usage event to its team's daily totals and forwards the updated totals. */
  static final class AggregateProcessor implements Processor<String, byte[], String, Object> {
    private final AvroSerde<UsageEvent> events = AvroSerde.of(UsageEvent.class);
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, UsageTotals> totals;
    private KeyValueStore<String, Long> seen;

    @Override
    public void init(ProcessorContext<String, Object> context) {
      this.context = context;
      this.totals = context.getStateStore(TEAM_DAILY_STORE);
      this.seen = context.getStateStore(SEEN_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
      UsageEvent e;
      try {
        e = events.decode(record.value());
      } catch (UndecodableRecordException ex) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        DeadLetter letter = TerminalResults.deadLetter(meta.topic(), meta.partition(), meta.offset(),
            record.key() == null ? null : record.key().getBytes(java.nio.charset.StandardCharsets.UTF_8), record.value(),
            record.headers(), ErrorCode.UNDECODABLE, ex.getMessage()).build();
        context.forward(record.withValue((Object) letter), TO_DLQ);
        return;
      }
      if (seen.get(e.getEventId()) != null) {
        return;
      }
      seen.put(e.getEventId(), e.getOccurredAt().toEpochMilli());
      String key = teamDayKey(e.getTeam(), e.getOccurredAt());
      UsageTotals current = totals.get(key);
      UsageTotals updated = add(current == null ? empty(e) : current, e);
      totals.put(key, updated);
      context.forward(record.withKey(key).withValue((Object) updated), TO_TOTALS);
    }

    private static UsageTotals empty(UsageEvent e) {
      Instant day = e.getOccurredAt().truncatedTo(ChronoUnit.DAYS);
      return UsageTotals.newBuilder().setDimension("team").setKey(e.getTeam()).setPeriod("day").setPeriodStart(day)
          .setUpdatedAt(e.getOccurredAt()).build();
    }

    private static UsageTotals add(UsageTotals t, UsageEvent e) {
      boolean error = e.getErrorCode() != null;
      return UsageTotals.newBuilder(t)
          .setRequests(t.getRequests() + (error ? 0 : 1))
          .setCacheHits(t.getCacheHits() + (e.getCached() ? 1 : 0))
          .setErrors(t.getErrors() + (error ? 1 : 0))
          .setInputTokens(t.getInputTokens() + e.getUsage().getInputTokens())
          .setOutputTokens(t.getOutputTokens() + e.getUsage().getOutputTokens())
          .setCachedInputTokens(t.getCachedInputTokens() + e.getUsage().getCachedInputTokens())
          .setCostMicros(t.getCostMicros() + e.getCostMicros())
          .setSavedCostMicros(t.getSavedCostMicros() + e.getSavedCostMicros())
          .setUpdatedAt(e.getOccurredAt().isAfter(t.getUpdatedAt()) ? e.getOccurredAt() : t.getUpdatedAt())
          .build();
    }
  }
}
