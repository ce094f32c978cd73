package io.promptyard.router;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.promptyard.router.budget.ReservationSetting;
import io.promptyard.router.guard.GuardStage;
import io.promptyard.router.routing.RoutingOutcome;
import io.promptyard.router.routing.RoutingPolicy;
import io.promptyard.router.templates.TopicTemplates;
import io.promptyard.schemas.Attempt;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.DetectorVerdict;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Priority;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.deadletter.DeadLetterExceptionHandler;
import io.promptyard.schemas.ingress.InvalidRequestException;
import io.promptyard.schemas.ingress.JsonIngress;
import io.promptyard.schemas.ingress.OpenAiParameters;
import io.promptyard.schemas.ingress.ProducerText;
import io.promptyard.schemas.ingress.RequestLimits;
import io.promptyard.schemas.logging.JobLogContext;
import io.promptyard.schemas.results.TerminalResults;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.RecordSizeLimit;
import io.promptyard.schemas.serde.UndecodableRecordException;
import io.promptyard.schemas.topics.CompactedTopicStore;
import io.promptyard.schemas.topics.RecordHeaders;
import io.promptyard.schemas.topics.ReplyTopics;
import io.promptyard.schemas.topics.TeamPartitions;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.schemas.tracing.JobTracing;
import io.promptyard.schemas.tracing.SpanErrors;
import io.promptyard.schemas.tracing.TraceHeaders;
import io.promptyard.templates.TemplateException;
import io.promptyard.templates.TemplateRenderer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's Kafka Streams topology: reads the Avro and JSON request topics (the shared ones,
 * every team's own, or both: {@link Ingress}) and the operators' replay topic (dead-lettered jobs,
 * see {@link Topics#replays}: each is routed afresh and keeps its attempt history), and sends each
 * record to exactly one place — its provider's route topic (the interactive lane for INTERACTIVE
 * requests), a REJECTED result, or the dead-letter topic when its bytes cannot be read. No record
 * stops the stream: one whose processing throws all the same is dead-lettered by the {@link
 * DeadLetterExceptionHandler} the router runs with (see {@link #errorHandling}). Provider health,
 * team budgets and, with the guard on, teams' guard policies are global stores fed by their
 * compacted topics.
 */
public final class RouterTopology {

  static final String AVRO_SOURCE = "avro-requests";
  static final String JSON_SOURCE = "json-requests";
  static final String REPLAY_SOURCE = "replayed-requests";
  static final String TEAM_AVRO_SOURCE = "team-avro-requests";
  static final String TEAM_JSON_SOURCE = "team-json-requests";
  static final String ROUTE = "route";
  static final String TO_PROVIDER = "to-provider";
  static final String TO_RESULTS = "to-results";
  static final String TO_DLQ = "to-dlq";
  static final String HEALTH_STORE = "provider-health";
  static final String BUDGET_STORE = "budget-status";
  static final String GUARD_POLICY_STORE = "guard-policies";

  /** The longest reason a REJECTED result carries: some quote what the request said. */
  static final int MAX_REASON_CHARS = 2_000;

  private RouterTopology() {}

  /**
   * What the topology is built with besides its topic names and routing policy.
   *
   * @param replies the reply topics a request may name; a request naming another is REJECTED
   * @param ingress which request topics it reads: the shared ones, each team's (read by pattern, so
   *     a team's topics created while the router runs are read from the consumer's next metadata
   *     refresh, {@code metadata.max.age.ms}), or both
   * @param guard inspects each request (its template rendered) before it is routed: a blocked
   *     request is REJECTED, a redacted one goes on with only its redacted text, and the verdicts
   *     travel on its routing decision to its result. With the guard on, each team's own policy is
   *     read from the guard-policies topic (a global store); a team without one gets the guard's
   *     default
   * @param tracing makes a span for each record's routing: a child of the trace context in the
   *     record's headers (a new trace when they carry none), and the parent of what the record's
   *     route, result or dead-letter record carries in its headers. With {@link JobTracing#OFF} no
   *     span is made and the producer's trace headers travel unchanged
   * @param metrics counts what becomes of each record, why requests are rejected and what the
   *     guard's detectors do
   * @param reservations when on, routed requests of teams with a budget pass the {@linkplain
   *     BudgetGateStage budget gate}, which reserves their maximum cost
   * @param partitions the partitions of its provider topic each team's jobs go to
   * @param copies given a copy of each REJECTED result whose request names a reply topic
   */
  public record Options(
      ReplyTopics replies,
      Ingress ingress,
      GuardStage guard,
      JobTracing tracing,
      RouterMetrics metrics,
      ReservationSetting reservations,
      TeamPartitions partitions,
      ReplyCopier copies) {

    /**
     * The shared request topics, the {@linkplain ReplyTopics#defaults default} reply topics, no
     * guard, tracing, metrics or copies, and the default reservations and partitions.
     */
    public static Options defaults(Topics topics) {
      return new Options(
          ReplyTopics.defaults(topics),
          Ingress.SHARED,
          GuardStage.OFF,
          JobTracing.OFF,
          RouterMetrics.noop(),
          ReservationSetting.DEFAULT,
          TeamPartitions.DEFAULT,
          ReplyCopier.NONE);
    }

    /** These options with {@code tracing}. */
    public Options withTracing(JobTracing tracing) {
      return new Options(
          replies, ingress, guard, tracing, metrics, reservations, partitions, copies);
    }
  }

  /** Builds the topology for the given topic names and routing policy, with the default options. */
  public static Topology build(Topics topics, RoutingPolicy policy) {
    return build(topics, policy, Options.defaults(topics));
  }

  /** Builds the topology for the given topic names and routing policy, with {@code options}. */
  public static Topology build(Topics topics, RoutingPolicy policy, Options options) {
    ReplyTopics replies = options.replies();
    Ingress ingress = options.ingress();
    GuardStage guard = options.guard();
    ReservationSetting reservations = options.reservations();
    ReplyCopier copies = options.copies();
    int maxRecordBytes = policy.limits().maxRecordBytes();
    Serializer<RoutedRequest> routed =
        RecordSizeLimit.of(AvroSerde.of(RoutedRequest.class), maxRecordBytes);
    Serializer<CompletionResult> results =
        RecordSizeLimit.of(AvroSerde.of(CompletionResult.class), maxRecordBytes);
    Serializer<DeadLetter> deadLetters =
        RecordSizeLimit.of(AvroSerde.singleObject(DeadLetter.class), maxRecordBytes);
    StringSerializer keys = new StringSerializer();
    ByteArrayDeserializer bytes = new ByteArrayDeserializer();

    Topology topology = new Topology();
    addRawGlobalStore(topology, HEALTH_STORE, topics.providerHealth());
    addRawGlobalStore(topology, BUDGET_STORE, topics.budgetStatus());
    if (guard.on()) {
      addRawGlobalStore(topology, GUARD_POLICY_STORE, topics.guardPolicies());
    }
    List<String> sources = new ArrayList<>();
    if (ingress.readsShared()) {
      topology.addSource(AVRO_SOURCE, bytes, bytes, topics.requests());
      topology.addSource(JSON_SOURCE, bytes, bytes, topics.requestsJson());
      sources.addAll(List.of(AVRO_SOURCE, JSON_SOURCE));
    }
    if (ingress.readsTeams()) {
      topology.addSource(TEAM_AVRO_SOURCE, bytes, bytes, topics.teamRequestsPattern());
      topology.addSource(TEAM_JSON_SOURCE, bytes, bytes, topics.teamRequestsJsonPattern());
      sources.addAll(List.of(TEAM_AVRO_SOURCE, TEAM_JSON_SOURCE));
    }
    topology.addSource(REPLAY_SOURCE, bytes, bytes, topics.replays());
    sources.add(REPLAY_SOURCE);
    topology.addProcessor(
        ROUTE,
        () ->
            new RouteProcessor(
                topics,
                policy,
                replies,
                guard,
                options.tracing(),
                options.metrics(),
                reservations.on(),
                copies),
        sources.toArray(String[]::new));
    String[] routing = {ROUTE};
    if (reservations.on()) {
      BudgetGateStage.addTo(
          topology,
          topics,
          policy.catalog(),
          reservations,
          options.metrics(),
          routed,
          options.partitions(),
          copies,
          ROUTE);
      routing = new String[] {ROUTE, BudgetGateStage.GATE};
    }
    topology.addSink(
        TO_PROVIDER,
        (key, value, ctx) -> topics.route(((RoutedRequest) value).getDecision()),
        keys,
        routed,
        (topic, key, value, count) -> {
          CompletionRequest request = ((RoutedRequest) value).getRequest();
          return Optional.of(
              Set.of(options.partitions().partition(request.getTeam(), request.getId(), count)));
        },
        ROUTE);
    topology.addSink(TO_RESULTS, topics.results(), keys, results, routing);
    topology.addSink(TO_DLQ, topics.deadLetters(), keys, deadLetters, ROUTE);
    TopicTemplates.addTo(topology, topics);
    return topology;
  }

  /**
   * What the router's Kafka Streams configuration needs for no record to stop its partition: the
   * dead-letter exception handler, and the producer's {@code max.request.size} equal to the size
   * {@link #build} keeps records within.
   */
  public static void errorHandling(Properties streamsConfig, Topics topics, RequestLimits limits) {
    DeadLetterExceptionHandler.install(streamsConfig, topics.deadLetters());
    streamsConfig.put(
        StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
        limits.maxRecordBytes());
  }

  /** A global store of a compacted topic's values as bytes; {@link StoreSignals} decodes them. */
  private static void addRawGlobalStore(Topology topology, String store, String topic) {
    CompactedTopicStore.addTo(
        topology, store, topic, store + "-source", store + "-update", keyless -> {});
  }

  /** Decodes one request, decides its route and forwards it to the matching sink. */
  static final class RouteProcessor implements Processor<byte[], byte[], String, Object> {
    private static final Logger log = LoggerFactory.getLogger(RouteProcessor.class);

    private final Topics topics;
    private final RoutingPolicy policy;
    private final ReplyTopics replies;
    private final GuardStage guard;
    private final JobTracing tracing;
    private final RouterMetrics metrics;
    private final boolean gating;
    private final ReplyCopier copies;
    private final JsonIngress json;
    private final TemplateRenderer renderer;
    private final AvroSerde<CompletionRequest> requests = AvroSerde.of(CompletionRequest.class);
    private final AvroSerde<RoutedRequest> replays = AvroSerde.of(RoutedRequest.class);

    /** What each topic read so far is, worked out once per topic name (it matches patterns). */
    private final Map<String, Source> sources = new HashMap<>();

    private ProcessorContext<String, Object> context;
    private StoreSignals signals;
    private TopicTemplates templates;
    private KeyValueStore<String, byte[]> teamPolicies;

    RouteProcessor(
        Topics topics,
        RoutingPolicy policy,
        ReplyTopics replies,
        GuardStage guard,
        JobTracing tracing,
        RouterMetrics metrics,
        boolean gating,
        ReplyCopier copies) {
      this.topics = topics;
      this.policy = policy;
      this.replies = replies;
      this.guard = guard;
      this.tracing = tracing;
      this.metrics = metrics;
      this.gating = gating;
      this.copies = copies;
      RequestLimits limits = policy.limits();
      this.json = JsonIngress.limitedTo(limits);
      this.renderer =
          new TemplateRenderer(
              new TemplateRenderer.Limits(limits.maxTemplateChars(), limits.templateTimeout()));
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
      this.context = context;
      this.signals =
          new StoreSignals(
              context.getStateStore(HEALTH_STORE), context.getStateStore(BUDGET_STORE));
      this.templates = TopicTemplates.of(context, renderer);
      this.teamPolicies = guard.on() ? context.getStateStore(GUARD_POLICY_STORE) : null;
    }

    @Override
    public void process(Record<byte[], byte[]> received) {
      String key =
          received.key() == null ? null : new String(received.key(), StandardCharsets.UTF_8);
      try (JobLogContext logContext = JobLogContext.open(key, received.headers())) {
        if (!tracing.on()) {
          route(received, key, logContext, Span.getInvalid());
          return;
        }
        Span span =
            tracing
                .tracer()
                .spanBuilder("promptyard.route")
                .setSpanKind(SpanKind.CONSUMER)
                .setParent(TraceHeaders.extract(received.headers()))
                .startSpan();
        logContext.traceId(span.getSpanContext().getTraceId());
        try (Scope scope = span.makeCurrent()) {
          route(received, key, logContext, span);
        } catch (RuntimeException e) {
          throw SpanErrors.recorded(span, e);
        } finally {
          span.end();
        }
      }
    }

    /**
     * Routes one record with its log context open on this thread, recording what was decided on
     * {@code span} (the invalid span when tracing is off).
     */
    private void route(
        Record<byte[], byte[]> received, String key, JobLogContext logContext, Span span) {
      String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("?");
      Source source = sources.computeIfAbsent(topic, this::classify);
      Record<byte[], byte[]> record = withoutInternalHeaders(received, key, source.replay());
      if (span.isRecording()) {
        // What the record becomes carries this span as its parent.
        Headers traced = new org.apache.kafka.common.header.internals.RecordHeaders();
        record.headers().forEach(traced::add);
        TraceHeaders.injectCurrent(traced);
        record = record.withHeaders(traced);
        span.setAttribute(JobTracing.TOPIC, topic);
      }
      Optional<TeamIngress> teamTopic = source.team();
      CompletionRequest decoded;
      // Top-level body fields no provider adapter would receive (JSON ingress only).
      List<String> uncarried = List.of();
      List<Attempt> earlierAttempts = List.of();
      List<DetectorVerdict> earlierGuard = null;
      java.nio.ByteBuffer earlierRestore = null;
      try {
        if (source.replay()) {
          RoutedRequest replayed = replays.decode(record.value());
          decoded = replayed.getRequest();
          earlierAttempts = replayed.getAttempts();
          earlierGuard = replayed.getDecision().getGuard();
          // A replayed request is already redacted: its first run's sealed mapping goes on with it.
          earlierRestore = replayed.getDecision().getRestoreMapping();
        } else if (source.json()) {
          JsonIngress.Body body = json.readBody(record.value(), key);
          decoded = body.request();
          uncarried = body.uncarried();
        } else {
          decoded = requests.decode(record.value());
        }
      } catch (UndecodableRecordException e) {
        span.setAttribute(JobTracing.OUTCOME, "dead_lettered");
        span.setAttribute(JobTracing.ERROR_CODE, ErrorCode.UNDECODABLE.name());
        deadLetter(record, topic, key, e.getMessage());
        metrics.deadLettered();
        return;
      } catch (InvalidRequestException e) {
        span.setAttribute(JobTracing.OUTCOME, "rejected");
        span.setAttribute(JobTracing.ERROR_CODE, ErrorCode.INVALID_REQUEST.name());
        log.info(
            "rejected request {} from {}: {}",
            ProducerText.escape(e.requestId()),
            topic,
            ProducerText.escape(e.getMessage()));
        forwardResult(
            record,
            rejection(
                e.requestId(),
                key,
                teamTopic.map(TeamIngress::team).orElse(e.team()),
                ErrorCode.INVALID_REQUEST,
                e.getMessage()));
        metrics.rejected(null, ErrorCode.INVALID_REQUEST);
        return;
      }
      // On a team's topic the topic says whose request it is: what the body claims is checked
      // first, then the team is the topic's for the budget, the cache scope, usage and the result.
      Optional<String> claimRefused = teamTopic.flatMap(t -> t.refusal(decoded.getTeam()));
      CompletionRequest request = teamTopic.map(t -> t.owning(decoded)).orElse(decoded);
      logContext.requestId(request.getId()).team(request.getTeam());
      if (span.isRecording()) {
        span.setAttribute(JobTracing.REQUEST_ID, JobTracing.bounded(request.getId()));
        span.setAttribute(JobTracing.TEAM, JobTracing.bounded(request.getTeam()));
        span.setAttribute(
            JobTracing.CACHE_MODE,
            request.getCache() == null ? "DEFAULT" : request.getCache().getMode().name());
      }
      // The request's time (its record timestamp) decides which budget month it falls in and which
      // health reports are fresh, so a replay decides as the first run did.
      Instant at =
          record.timestamp() > 0 ? Instant.ofEpochMilli(record.timestamp()) : Instant.now();
      Optional<String> badReplyTopic = replies.refusal(request.getReplyTopic());
      Decided decided;
      if (claimRefused.isPresent()) {
        decided =
            Decided.unguarded(
                new RoutingOutcome.Rejected(ErrorCode.PERMISSION_DENIED, claimRefused.get()));
      } else if (badReplyTopic.isPresent()) {
        decided =
            Decided.unguarded(
                new RoutingOutcome.Rejected(ErrorCode.INVALID_REQUEST, badReplyTopic.get()));
      } else if (!uncarried.isEmpty() && !policy.dropsParams(request)) {
        decided =
            Decided.unguarded(
                new RoutingOutcome.Rejected(
                    ErrorCode.INVALID_REQUEST, OpenAiParameters.refusal(uncarried)));
      } else {
        decided = guardAndDecide(request, at, earlierGuard);
        if (!uncarried.isEmpty()) {
          decided = decided.noting(OpenAiParameters.dropNote(uncarried));
        }
      }
      List<DetectorVerdict> verdicts = decided.guard();
      if (span.isRecording()) {
        span.setAttribute(JobTracing.GUARD, guardSummary(verdicts));
      }
      switch (decided.outcome()) {
        case RoutingOutcome.Routed routed -> {
          if (span.isRecording()) {
            RoutingDecision chosen = routed.request().getDecision();
            span.setAttribute(JobTracing.OUTCOME, "routed");
            span.setAttribute(JobTracing.PROVIDER, chosen.getProvider());
            span.setAttribute(JobTracing.MODEL, chosen.getModel());
            span.setAttribute(JobTracing.FALLBACKS, (long) chosen.getFallbackChain().size());
            span.setAttribute(JobTracing.ATTEMPT, (long) earlierAttempts.size() + 1);
          }
          logContext
              .provider(routed.request().getDecision().getProvider())
              .attempt(earlierAttempts.size() + 1);
          // Not RoutedRequest.newBuilder(routed): a builder deep-copies the whole request, which
          // cost more than encoding it.
          String outputModeration = decided.outputModeration();
          boolean guarded = verdicts != null || outputModeration != null;
          RoutedRequest out =
              earlierAttempts.isEmpty() && !guarded
                  ? routed.request()
                  : new RoutedRequest(
                      routed.request().getRequest(),
                      guarded
                          ? RoutingDecision.newBuilder(routed.request().getDecision())
                              .setGuard(verdicts)
                              .setOutputModeration(outputModeration)
                              .setPhoneRegion(decided.phoneRegion())
                              .setRestoreMapping(
                                  decided.restoreMapping() == null
                                      ? earlierRestore
                                      : java.nio.ByteBuffer.wrap(decided.restoreMapping()))
                              .build()
                          : routed.request().getDecision(),
                      earlierAttempts);
          if (gating && signals.budget(request.getTeam()).isPresent()) {
            // The gate reserves its maximum cost, or rejects it, and counts it.
            BudgetGateStage.Ticket ticket =
                BudgetGateStage.Ticket.of(out, topics, policy.catalog());
            context.forward(
                record
                    .withKey(request.getTeam())
                    .withValue((Object) new BudgetGateStage.Reserving(out, ticket))
                    .withHeaders(BudgetGateStage.reserving(record.headers(), ticket)),
                BudgetGateStage.ROUTED_TO_GATE);
          } else {
            context.forward(record.withKey(request.getId()).withValue((Object) out), TO_PROVIDER);
            metrics.routed(out.getDecision().getPriority());
          }
        }
        case RoutingOutcome.Rejected rejected -> {
          span.setAttribute(JobTracing.OUTCOME, "rejected");
          span.setAttribute(JobTracing.ERROR_CODE, rejected.code().name());
          log.info(
              "rejected request {} of team {}: {}",
              ProducerText.escape(request.getId()),
              ProducerText.escape(request.getTeam()),
              ProducerText.escape(rejected.reason()));
          CompletionResult result =
              forwardResult(
                  record,
                  rejection(
                          request.getId(),
                          key,
                          request.getTeam(),
                          rejected.code(),
                          rejected.reason())
                      .setBatchId(shorten(request.getBatchId()))
                      .setCustomId(shorten(request.getCustomId()))
                      .setGuard(verdicts));
          // not to a reply topic the router refused, nor for a request that claims another team
          if (badReplyTopic.isEmpty() && claimRefused.isEmpty()) {
            copies.copy(request.getReplyTopic(), result);
          }
          metrics.rejected(lane(request), rejected.code());
        }
      }
    }

    /** The lane {@code request} asks for: BATCH unless its routing hints say otherwise. */
    private static Priority lane(CompletionRequest request) {
      return request.getRouting() == null || request.getRouting().getPriority() == null
          ? Priority.BATCH
          : request.getRouting().getPriority();
    }

    /**
     * What the guard did, for the route span: {@code off} when no guard ran, else the strongest
     * action any detector took ({@code block}, {@code redact}, {@code flag}) or {@code passed}.
     */
    private static String guardSummary(List<DetectorVerdict> verdicts) {
      if (verdicts == null) {
        return "off";
      }
      String strongest = "passed";
      for (DetectorVerdict v : verdicts) {
        if (v.getCount() == 0 && v.getScore() == 0) {
          continue;
        }
        String action = v.getAction();
        if ("block".equals(action)) {
          return "block";
        } else if ("redact".equals(action)
            || ("flag".equals(action) && strongest.equals("passed"))) {
          strongest = action;
        }
      }
      return strongest;
    }

    /**
     * A routing outcome and the guard's verdicts on the request (null when no guard ran).
     *
     * @param outcome where the request goes
     * @param guard what the guard found, carried to the routed request or the REJECTED result
     */
    private record Decided(
        RoutingOutcome outcome,
        List<DetectorVerdict> guard,
        String outputModeration,
        String phoneRegion,
        byte[] restoreMapping) {
      Decided(RoutingOutcome outcome, List<DetectorVerdict> guard) {
        this(outcome, guard, null, null, null);
      }

      static Decided unguarded(RoutingOutcome outcome) {
        return new Decided(outcome, null);
      }

      /** This decision with {@code note} added to a routed request's reason. */
      Decided noting(String note) {
        if (!(outcome instanceof RoutingOutcome.Routed routed)) {
          return this;
        }
        RoutedRequest r = routed.request();
        RoutingDecision decision =
            RoutingDecision.newBuilder(r.getDecision())
                .setReason(r.getDecision().getReason() + "; " + note)
                .build();
        return new Decided(
            new RoutingOutcome.Routed(new RoutedRequest(r.getRequest(), decision, r.getAttempts())),
            guard,
            outputModeration,
            phoneRegion,
            restoreMapping);
      }
    }

    /**
     * Renders the request's template, then the guard inspects the rendered text: a blocked request
     * is REJECTED before anything is reserved or charged, and the routing policy decides on the
     * redacted one. A replayed request keeps the verdicts of its first run.
     */
    private Decided guardAndDecide(
        CompletionRequest request, Instant at, List<DetectorVerdict> earlierGuard) {
      GuardStage.Screening screening;
      try {
        CompletionRequest expanded = templates.expand(request);
        screening =
            teamPolicies == null ? guard.screen(expanded) : guard.screen(expanded, teamPolicies);
      } catch (TemplateException e) {
        return Decided.unguarded(
            new RoutingOutcome.Rejected(ErrorCode.INVALID_REQUEST, e.getMessage()));
      }
      // This run's verdicts only: a replayed request's earlier ones were counted when they were
      // made.
      metrics.guarded(screening.verdicts());
      List<DetectorVerdict> verdicts = GuardStage.merged(earlierGuard, screening.verdicts());
      return switch (screening) {
        case GuardStage.Blocked blocked ->
            new Decided(
                new RoutingOutcome.Rejected(ErrorCode.CONTENT_POLICY, blocked.reason()), verdicts);
        case GuardStage.Passed passed ->
            new Decided(
                policy.decide(passed.request(), signals, at),
                verdicts,
                passed.outputModeration(),
                passed.phoneRegion(),
                passed.restoreMapping());
      };
    }

    /**
     * What the records of one topic are.
     *
     * @param replay the operators' replay topic
     * @param json JSON ingress (the shared topic or a team's)
     * @param team the team whose own ingress topic it is, if it is one
     */
    private record Source(boolean replay, boolean json, Optional<TeamIngress> team) {}

    private Source classify(String topic) {
      return new Source(
          topic.equals(topics.replays()),
          topics.isJsonIngress(topic),
          topics.teamOf(topic).map(t -> new TeamIngress(t, topic)));
    }

    /** A REJECTED result, its id, team and reason shortened to what a record may carry. */
    private CompletionResult.Builder rejection(
        String id, String key, String team, ErrorCode code, String reason) {
      return TerminalResults.unsuccessful(
          resultId(id, key),
          shorten(team),
          ResultStatus.REJECTED,
          TerminalResults.error(code, shorten(reason)),
          0);
    }

    private CompletionResult forwardResult(
        Record<byte[], byte[]> record, CompletionResult.Builder result) {
      CompletionResult built = result.build();
      context.forward(record.withKey(built.getId()).withValue((Object) built), TO_RESULTS);
      return built;
    }

    /**
     * The record without the headers only Promptyard may set ({@link RecordHeaders#isInternal}): a
     * producer's forged {@code promptyard-replay} must not reach a route topic, where a worker
     * would believe it. Dropped before anything reads the record, dead-lettering included. On the
     * replay topic, which only operators may write, the {@link RecordHeaders#REPLAY} mark is kept:
     * it travels with the routed request to the worker, which then runs a FAILED id again.
     */
    private Record<byte[], byte[]> withoutInternalHeaders(
        Record<byte[], byte[]> record, String key, boolean fromReplayTopic) {
      List<String> dropped =
          RecordHeaders.internalNames(record.headers()).stream()
              .filter(name -> !(fromReplayTopic && name.equals(RecordHeaders.REPLAY)))
              .toList();
      if (dropped.isEmpty()) {
        return record;
      }
      log.info(
          "dropped headers {} that only Promptyard may set from the record keyed {} at {}",
          dropped.stream().map(ProducerText::escape).toList(),
          ProducerText.escape(key),
          context
              .recordMetadata()
              .map(m -> m.topic() + "-" + m.partition() + "@" + m.offset())
              .orElse("?"));
      Headers kept = RecordHeaders.withoutInternal(record.headers());
      Header replay = record.headers().lastHeader(RecordHeaders.REPLAY);
      if (fromReplayTopic && replay != null) {
        kept.add(replay);
      }
      return record.withHeaders(kept);
    }

    private static String shorten(String reason) {
      return reason == null || reason.length() <= MAX_REASON_CHARS
          ? reason
          : reason.substring(0, MAX_REASON_CHARS) + "…";
    }

    /**
     * The id a REJECTED result carries: the request's, or for an id longer than a request may have,
     * its first characters and an ellipsis — the whole of it may not fit in a record. A request
     * without an id is answered under its record key, else under where it was read ({@code
     * topic-partition@offset}), so that the result can be found.
     */
    private String resultId(String id, String key) {
      if (id == null || id.isBlank()) {
        RecordMetadata at = context.recordMetadata().orElseThrow();
        id =
            key != null && !key.isBlank()
                ? key
                : at.topic() + "-" + at.partition() + "@" + at.offset();
      }
      int max = policy.limits().maxIdLength();
      return id.length() <= max ? id : id.substring(0, max) + "…";
    }

    private void deadLetter(
        Record<byte[], byte[]> record, String topic, String key, String reason) {
      RecordMetadata meta = context.recordMetadata().orElseThrow();
      log.warn(
          "undecodable record at {}-{}@{} sent to the dead-letter topic: {}",
          topic,
          meta.partition(),
          meta.offset(),
          ProducerText.escape(reason));
      String boundedKey = RecordSizeLimit.boundedKey(key);
      DeadLetter letter =
          TerminalResults.deadLetter(
                  topic,
                  meta.partition(),
                  meta.offset(),
                  record.key(),
                  record.value(),
                  record.headers(),
                  ErrorCode.UNDECODABLE,
                  reason)
              .setRequestId(boundedKey)
              .build();
      context.forward(record.withKey(boundedKey).withValue((Object) letter), TO_DLQ);
    }
  }
}
