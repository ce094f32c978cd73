package io.promptyard.router;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.router.budget.MaximumCost;
import io.promptyard.router.budget.ReservationBook;
import io.promptyard.router.budget.ReservationSetting;
import io.promptyard.schemas.Budget;
import io.promptyard.schemas.BudgetSettlement;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Priority;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.ingress.ProducerText;
import io.promptyard.schemas.logging.JobLogContext;
import io.promptyard.schemas.results.TerminalResults;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.UndecodableRecordException;
import io.promptyard.schemas.topics.TeamPartitions;
import io.promptyard.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's budget gate: routed requests of teams with a budget do not go to their provider at
 * once but, keyed by team, through the router's gate topic ({@link Topics#budgetGate}), so that one
 * stream task sees all of a team's requests. There each one's maximum cost is reserved against the
 * team's budget or it is REJECTED OVER_BUDGET ({@link ReservationBook}). The aggregator's
 * settlements ({@link Topics#budgetSettlements}) and the zero-cost results of such teams travel the
 * same topic, keyed by team, so that the reservation they end is dropped in order, in the same
 * exactly-once step that adopts the spend including the request's real cost. A reservation that
 * nothing ends expires ({@link ReservationSetting#ttl}).
 */
final class BudgetGateStage {

  static final String SETTLEMENT_SOURCE = "budget-settlements";
  static final String RESULT_SOURCE = "results-for-release";
  static final String FEED = "budget-gate-feed";
  static final String TO_GATE = "to-budget-gate";
  static final String ROUTED_TO_GATE = "routed-to-budget-gate";
  static final String GATE_SOURCE = "budget-gate-source";
  static final String GATE = "budget-gate";
  static final String GATE_TO_PROVIDER = "budget-gate-to-provider";
  static final String RESERVATIONS_STORE = "budget-reservations";
  static final String STANDINGS_STORE = "budget-standings";

  /** The gate topic's header saying what a record is; only the router writes that topic. */
  static final String KIND_HEADER = "promptyard-budget-gate";

  /** The gate topic's header carrying a RESERVE record's {@link Ticket}. */
  static final String TICKET_HEADER = "promptyard-budget-ticket";

  /** What a gate record is. */
  enum Kind {
    /** A routed request (value {@code RoutedRequest}) whose maximum is to be reserved. */
    RESERVE,
    /** The aggregator's settlement of a request (value {@code BudgetSettlement}). */
    SETTLE,
    /** A request that ended at no cost (value its id, UTF-8): its reservation is dropped. */
    RELEASE
  }

  private static final Duration EXPIRY_INTERVAL = Duration.ofMinutes(1);

  /**
   * What the gate needs of a routed request to reserve it and send it on, worked out by the route
   * stage and carried in the gate record's {@link #TICKET_HEADER}: the gate then forwards the
   * routed request's bytes, which the route stage encoded once for {@code destination}, without
   * decoding or encoding them again. It decodes them only to reject the request.
   *
   * @param destination the provider topic the request goes to once reserved
   * @param priority its lane, for the metrics
   * @param max its maximum cost, reserved against the team's budget
   * @param routedAtMillis when it was routed: its reservation expires a time to live after that
   * @param requestId its id, the key it travels under on the provider topic
   */
  record Ticket(
      String destination,
      Priority priority,
      MaximumCost max,
      long routedAtMillis,
      String requestId) {

    /** Topic names hold none of it, and the request id comes last, whatever it holds. */
    private static final String SEPARATOR = "\n";

    static Ticket of(RoutedRequest routed, Topics topics, ModelCatalog catalog) {
      RoutingDecision decision = routed.getDecision();
      return new Ticket(
          topics.route(decision),
          decision.getPriority(),
          MaximumCost.of(routed, catalog),
          decision.getRoutedAt().toEpochMilli(),
          routed.getRequest().getId());
    }

    byte[] header() {
      return String.join(
              SEPARATOR,
              destination,
              priority.name(),
              Long.toString(max.micros()),
              Long.toString(max.tokens()),
              Long.toString(routedAtMillis),
              requestId)
          .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The ticket {@code headers} carry, or empty for a RESERVE record written by a router from
     * before tickets, whose routed request the gate decodes instead.
     */
    static Optional<Ticket> read(Headers headers) {
      Header header = headers.lastHeader(TICKET_HEADER);
      if (header == null) {
        return Optional.empty();
      }
      String[] f = new String(header.value(), StandardCharsets.UTF_8).split(SEPARATOR, 6);
      return Optional.of(
          new Ticket(
              f[0],
              Priority.valueOf(f[1]),
              new MaximumCost(Long.parseLong(f[2]), Long.parseLong(f[3])),
              Long.parseLong(f[4]),
              f[5]));
    }
  }

  /**
   * A routed request on its way to the gate, to be encoded for its provider topic, the ticket's
   * destination, rather than for the gate topic it travels through.
   */
  record Reserving(RoutedRequest routed, Ticket ticket) {}

  /** A reserved request's bytes as the route stage encoded them, bound for its provider topic. */
  private record Reserved(byte[] bytes, Ticket ticket, String team) {}

  private BudgetGateStage() {}

  /**
   * Adds the gate to {@code topology}: the feed of settlements and results into the gate topic, the
   * sink routed requests take to it from {@code routing}, and the gate processor with its stores.
   * The caller names {@link #GATE} among the parents of its provider and results sinks.
   */
  static void addTo(
      Topology topology,
      Topics topics,
      ModelCatalog catalog,
      ReservationSetting setting,
      RouterMetrics metrics,
      Serializer<RoutedRequest> routed,
      TeamPartitions partitions,
      ReplyCopier copies,
      String routing) {
    ByteArrayDeserializer bytes = new ByteArrayDeserializer();
    topology.addSource(
        SETTLEMENT_SOURCE, new StringDeserializer(), bytes, topics.budgetSettlements());
    topology.addSource(RESULT_SOURCE, new StringDeserializer(), bytes, topics.results());
    topology.addProcessor(FEED, () -> new Feed(topics), SETTLEMENT_SOURCE, RESULT_SOURCE);
    topology.addSink(
        TO_GATE, topics.budgetGate(), new StringSerializer(), new ByteArraySerializer(), FEED);
    topology.addSink(
        ROUTED_TO_GATE,
        topics.budgetGate(),
        new StringSerializer(),
        (Serializer<Reserving>)
            (topic, reserving) ->
                // for the provider topic (its subject, in the registry format): the gate forwards
                // these bytes as they are
                routed.serialize(reserving.ticket().destination(), reserving.routed()),
        routing);
    topology.addSource(GATE_SOURCE, new StringDeserializer(), bytes, topics.budgetGate());
    topology.addProcessor(
        GATE, () -> new Gate(topics, catalog, setting, metrics, copies), GATE_SOURCE);
    topology.addSink(
        GATE_TO_PROVIDER,
        (key, value, context) -> ((Reserved) value).ticket().destination(),
        new StringSerializer(),
        (Serializer<Object>) (topic, value) -> ((Reserved) value).bytes(),
        (topic, key, value, count) ->
            Optional.of(Set.of(partitions.partition(((Reserved) value).team(), key, count))),
        GATE);
    for (String store : List.of(RESERVATIONS_STORE, STANDINGS_STORE)) {
      // Cached: a team's standing changes with each of its requests, and its changelog then gets
      // the last of them at each commit instead of every one.
      topology.addStateStore(
          Stores.keyValueStoreBuilder(
                  Stores.inMemoryKeyValueStore(store), Serdes.String(), Serdes.ByteArray())
              .withCachingEnabled(),
          GATE);
    }
  }

  /** {@code record}'s headers and the gate's header saying it is of {@code kind}. */
  static Headers marked(Headers headers, Kind kind) {
    Headers copy = withoutGateHeaders(headers);
    copy.add(KIND_HEADER, kind.name().getBytes(StandardCharsets.UTF_8));
    return copy;
  }

  /** {@code record}'s headers marked RESERVE, with {@code ticket}. */
  static Headers reserving(Headers headers, Ticket ticket) {
    Headers marked = marked(headers, Kind.RESERVE);
    marked.add(TICKET_HEADER, ticket.header());
    return marked;
  }

  /** A copy of {@code headers} without those the gate topic's records carry for the gate. */
  private static Headers withoutGateHeaders(Headers headers) {
    Headers copy = new RecordHeaders(headers.toArray());
    copy.remove(KIND_HEADER);
    copy.remove(TICKET_HEADER);
    return copy;
  }

  /**
   * Sends each settlement, and each zero-cost result of a team with a budget, to the gate topic
   * keyed by team. A result that cost something is left to its settlement: releasing its
   * reservation before the aggregator counts its cost would leave a moment when neither is counted.
   */
  private static final class Feed implements Processor<String, byte[], String, byte[]> {
    private static final Logger log = LoggerFactory.getLogger(Feed.class);

    private final Topics topics;
    private final AvroSerde<CompletionResult> results = AvroSerde.of(CompletionResult.class);
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> budgets;

    Feed(Topics topics) {
      this.topics = topics;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
      this.context = context;
      this.budgets = context.getStateStore(RouterTopology.BUDGET_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
      if (record.value() == null) {
        return;
      }
      String topic = context.recordMetadata().orElseThrow().topic();
      if (topic.equals(topics.budgetSettlements())) {
        if (record.key() != null) {
          context.forward(record.withHeaders(marked(record.headers(), Kind.SETTLE)), TO_GATE);
        }
        return;
      }
      // Most deployments have few teams with a budget, or none: no result is decoded then.
      if (budgets.approximateNumEntries() == 0) {
        return;
      }
      CompletionResult result;
      try {
        result = results.decode(record.value());
      } catch (UndecodableRecordException e) {
        log.debug("result {} not read for budget release: {}", record.key(), e.getMessage());
        return;
      }
      if (result.getCostMicros() == 0
          && result.getTeam() != null
          && budgets.get(result.getTeam()) != null) {
        context.forward(
            record
                .withKey(result.getTeam())
                .withValue(result.getId().getBytes(StandardCharsets.UTF_8))
                .withHeaders(marked(record.headers(), Kind.RELEASE)),
            TO_GATE);
      }
    }
  }

  /** Reserves, settles and releases, one team's records in order. */
  private static final class Gate implements Processor<String, byte[], String, Object> {
    private static final Logger log = LoggerFactory.getLogger(Gate.class);

    private final Topics topics;
    private final ModelCatalog catalog;
    private final ReservationSetting setting;
    private final RouterMetrics metrics;
    private final ReplyCopier copies;
    private final AvroSerde<RoutedRequest> routedSerde = AvroSerde.of(RoutedRequest.class);
    private final AvroSerde<BudgetSettlement> settlements = AvroSerde.of(BudgetSettlement.class);
    private ProcessorContext<String, Object> context;
    private StoreSignals signals;
    private ReservationBook book;

    Gate(
        Topics topics,
        ModelCatalog catalog,
        ReservationSetting setting,
        RouterMetrics metrics,
        ReplyCopier copies) {
      this.topics = topics;
      this.catalog = catalog;
      this.setting = setting;
      this.metrics = metrics;
      this.copies = copies;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
      this.context = context;
      this.signals =
          new StoreSignals(
              context.getStateStore(RouterTopology.HEALTH_STORE),
              context.getStateStore(RouterTopology.BUDGET_STORE));
      this.book =
          new ReservationBook(
              context.getStateStore(RESERVATIONS_STORE), context.getStateStore(STANDINGS_STORE));
      context.schedule(
          EXPIRY_INTERVAL,
          PunctuationType.WALL_CLOCK_TIME,
          now -> {
            List<String> expired = book.expire(Instant.ofEpochMilli(now));
            if (!expired.isEmpty()) {
              log.warn(
                  "dropped {} budget reservations that nothing settled within {}: {}",
                  expired.size(),
                  setting.ttl(),
                  expired.stream().limit(10).map(ProducerText::escape).toList());
            }
          });
    }

    @Override
    public void process(Record<String, byte[]> record) {
      Header kind = record.headers().lastHeader(BudgetGateStage.KIND_HEADER);
      if (kind == null || record.key() == null || record.value() == null) {
        return;
      }
      switch (Kind.valueOf(new String(kind.value(), StandardCharsets.UTF_8))) {
        case RESERVE -> reserve(record);
        case SETTLE -> settle(record);
        case RELEASE -> book.release(new String(record.value(), StandardCharsets.UTF_8));
      }
    }

    private void reserve(Record<String, byte[]> record) {
      Optional<Ticket> carried = Ticket.read(record.headers());
      RoutedRequest decoded =
          carried.isPresent() ? null : routedSerde.decode(record.value()); // routed before tickets
      Ticket ticket = carried.orElseGet(() -> Ticket.of(decoded, topics, catalog));
      String team = record.key();
      Headers headers = withoutGateHeaders(record.headers());
      try (JobLogContext logContext = JobLogContext.open(ticket.requestId(), headers)) {
        logContext.requestId(ticket.requestId()).team(team);
        Optional<Budget> budget = signals.budget(team);
        ReservationBook.Verdict verdict =
            budget.isEmpty()
                ? new ReservationBook.Verdict.Reserved()
                : book.reserve(
                    ticket.requestId(),
                    team,
                    Instant.ofEpochMilli(record.timestamp()),
                    ticket.max(),
                    budget.get(),
                    Instant.ofEpochMilli(ticket.routedAtMillis()).plus(setting.ttl()));
        switch (verdict) {
          case ReservationBook.Verdict.Reserved reserved -> {
            context.forward(
                record
                    .withKey(ticket.requestId())
                    .withValue((Object) new Reserved(record.value(), ticket, team))
                    .withHeaders(headers),
                GATE_TO_PROVIDER);
            metrics.routed(ticket.priority());
          }
          case ReservationBook.Verdict.Refused refused ->
              reject(
                  record.withHeaders(headers),
                  decoded != null ? decoded : routedSerde.decode(record.value()),
                  refused.reason());
        }
      }
    }

    private void reject(Record<String, byte[]> record, RoutedRequest routed, String reason) {
      CompletionRequest request = routed.getRequest();
      log.info(
          "rejected request {} of team {}: {}",
          ProducerText.escape(request.getId()),
          ProducerText.escape(request.getTeam()),
          ProducerText.escape(reason));
      CompletionResult rejection =
          TerminalResults.unsuccessful(
                  request.getId(),
                  request.getTeam(),
                  ResultStatus.REJECTED,
                  TerminalResults.error(ErrorCode.OVER_BUDGET, reason),
                  0)
              .setBatchId(request.getBatchId())
              .setCustomId(request.getCustomId())
              .setGuard(routed.getDecision().getGuard())
              .build();
      context.forward(
          record.withKey(request.getId()).withValue((Object) rejection), RouterTopology.TO_RESULTS);
      // the route stage let its reply topic through
      copies.copy(request.getReplyTopic(), rejection);
      metrics.rejected(routed.getDecision().getPriority(), ErrorCode.OVER_BUDGET);
    }

    private void settle(Record<String, byte[]> record) {
      BudgetSettlement s;
      try {
        s = settlements.decode(record.value());
      } catch (UndecodableRecordException e) {
        log.warn(
            "ignoring undecodable budget settlement of team {}: {}",
            ProducerText.escape(record.key()),
            ProducerText.escape(e.getMessage()));
        return;
      }
      book.settle(
          s.getTeam(),
          s.getRequestId(),
          YearMonth.parse(s.getMonth()),
          s.getSpentMicros(),
          s.getTokens());
    }
  }
}
