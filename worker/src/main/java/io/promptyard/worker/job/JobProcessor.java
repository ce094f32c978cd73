package io.promptyard.worker.job;

import io.promptyard.catalog.Capability;
import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.ModelSpec;
import io.promptyard.providers.ChatProvider;
import io.promptyard.providers.ChatRequest;
import io.promptyard.providers.ChatResponse;
import io.promptyard.providers.ProviderException;
import io.promptyard.schemas.Attempt;
import io.promptyard.schemas.CacheMode;
import io.promptyard.schemas.CompletionChunk;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.ModelRef;
import io.promptyard.schemas.Output;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.TokenUsage;
import io.promptyard.schemas.UsageEvent;
import io.promptyard.schemas.results.TerminalResults;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.UndecodableRecordException;
import io.promptyard.providers.RateLimits;
import io.promptyard.worker.cache.CacheKey;
import io.promptyard.worker.guard.CallGuard;
import io.promptyard.worker.guard.CallRefused;
import io.promptyard.worker.guard.Permit;
import io.promptyard.worker.cache.ResponseCache;
import io.promptyard.worker.idempotency.LedgerEntry;
import io.promptyard.worker.idempotency.PublishedResults;
import io.promptyard.worker.idempotency.RequestFingerprint;
import io.promptyard.worker.idempotency.ResultLedger;
import io.promptyard.worker.metrics.WorkerMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles one routed job from start to outcome: deadline, idempotency, cache, the provider call with
 * in-place retries, and then success, fallback to the next model, or failure with a dead letter. It
 * publishes nothing itself except streamed chunks; the caller publishes the outcome.
 */
public final class JobProcessor {

  private static final Logger log = LoggerFactory.getLogger(JobProcessor.class);

  private final ModelCatalog catalog;
  private final Function<String, ChatProvider> providers;
  private final ResponseCache cache;
  private final ResultLedger ledger;
  private final PublishedResults published;
  private final JobPolicy policy;
  private final CallGuard guard;
  private final WorkerMetrics metrics;
  private final Clock clock;
  private final AvroSerde<CompletionResult> resultSerde = AvroSerde.of(CompletionResult.class);
  /** Provider calls in flight by cache key, for single-flight; shared by the jobs of this worker on purpose. */
  private final ConcurrentHashMap<CacheKey, CompletableFuture<CompletionResult>> inFlight = new ConcurrentHashMap<>();
  private final KeyRotation keys = new KeyRotation();
  /** Names this worker's claims on cache keys (cross-worker single flight). */
  private final String workerId = java.util.UUID.randomUUID().toString();
  /** How long a claim on a cache key lasts at most: past it, a worker that died while calling holds nobody up. */
  private static final Duration FLIGHT_LEASE = Duration.ofSeconds(60);
  /** How often a job held by another worker looks at the ledger again. */
  private static final Duration LEDGER_POLL = Duration.ofMillis(250);
  /**
   * A result whose publishing began this recently is awaited, not looked for on the results topic: its send may
   * still be in the publishing worker's producer (every broker was down for a minute, say), and would land after
   * a look that found nothing. Past the producer's delivery timeout the send has landed or failed for good.
   */
  public static final Duration PUBLISHING_GRACE = OutcomePublisher.DELIVERY_TIMEOUT.plusSeconds(10);
  /** How often a worker waiting for another's answer looks in the cache. */
  private static final Duration FLIGHT_POLL = Duration.ofMillis(100);

  public JobProcessor(ModelCatalog catalog, Function<String, ChatProvider> providers, ResponseCache cache, ResultLedger ledger,
      JobPolicy policy, Clock clock) {
    this(catalog, providers, cache, ledger, policy, CallGuard.NONE, clock);
  }

  /**
   * @param guard asked before every provider call (rate limits, circuit breakers) and told how it ended
   */
  public JobProcessor(ModelCatalog catalog, Function<String, ChatProvider> providers, ResponseCache cache, ResultLedger ledger,
      JobPolicy policy, CallGuard guard, Clock clock) {
    this(catalog, providers, cache, ledger, policy, guard, WorkerMetrics.noop(), clock);
  }

  /**
   * @param guard asked before every provider call (rate limits, circuit breakers) and told how it ended
   * @param metrics told about jobs, calls, cache lookups and cost
   */
  public JobProcessor(ModelCatalog catalog, Function<String, ChatProvider> providers, ResponseCache cache, ResultLedger ledger,
      JobPolicy policy, CallGuard guard, WorkerMetrics metrics, Clock clock) {
    this(catalog, providers, cache, ledger, PublishedResults.NONE, policy, guard, metrics, clock);
  }

  /**
   * @param published read when a worker died between publishing a result and recording it in the ledger
   * @param guard asked before every provider call (rate limits, circuit breakers) and told how it ended
   * @param metrics told about jobs, calls, cache lookups and cost
   */
  public JobProcessor(ModelCatalog catalog, Function<String, ChatProvider> providers, ResponseCache cache, ResultLedger ledger,
      PublishedResults published, JobPolicy policy, CallGuard guard, WorkerMetrics metrics, Clock clock) {
    this.published = published;
    this.metrics = metrics;
    this.catalog = catalog;
    this.providers = providers;
    this.cache = cache;
    this.ledger = ledger;
    this.policy = policy;
    this.guard = guard;
    this.clock = clock;
  }

  /**
   * Processes a job.
   *
   * @param job the routed request as read from its provider topic
   * @param chunks receives streamed deltas, in order, when the request asks for streaming
   */
  public JobOutcome process(RoutedRequest job, Consumer<CompletionChunk> chunks) throws InterruptedException {
    return process(job, Delivery.ORIGINAL, chunks);
  }

  /**
   * Processes a job.
   *
   * @param job the routed request as read from its provider topic
   * @param delivery whether an operator replayed it from the dead-letter topic
   * @param chunks receives streamed deltas, in order, when the request asks for streaming
   */
  public JobOutcome process(RoutedRequest job, Delivery delivery, Consumer<CompletionChunk> chunks) throws InterruptedException {
    // Metrics only: counts the job in flight while it is processed, and how it ended.
    metrics.jobStarted();
    String ended = "error";
    String owner = workerId + ":" + java.util.UUID.randomUUID();
    boolean terminal = false;
    try {
      String fingerprint = RequestFingerprint.of(job.getRequest());
      JobOutcome outcome = processJob(job, delivery, chunks, owner, fingerprint);
      if (outcome instanceof JobOutcome.Finished f) {
        outcome = f.answering(fingerprint);
        terminal = true;
      }
      ended = switch (outcome) {
        case JobOutcome.Finished f -> f.deadLetter() == null ? "finished" : "failed";
        case JobOutcome.Forwarded f -> "forwarded";
        case JobOutcome.Deferred d -> "deferred";
        case JobOutcome.AlreadyDone d -> "already_done";
        case JobOutcome.AlreadyPublished p -> "already_done";
        case JobOutcome.DuplicateId d -> "duplicate_id";
      };
      return outcome;
    } catch (InterruptedException e) {
      ended = "interrupted";
      throw e;
    } finally {
      // A terminal result's lease ends when the result is marked publishing; any other end gives it up now.
      if (!terminal) {
        ledger.abandon(job.getRequest().getTeam(), job.getRequest().getId(), owner);
      }
      metrics.jobEnded(ended);
    }
  }

  private JobOutcome processJob(RoutedRequest job, Delivery delivery, Consumer<CompletionChunk> chunks, String owner,
      String fingerprint) throws InterruptedException {
    CompletionRequest request = job.getRequest();
    RoutingDecision decision = job.getDecision();
    Instant started = clock.instant();
    // The ledger comes first: a redelivery of a finished request must not get a second terminal result,
    // even when its deadline has passed since.
    Optional<JobOutcome> before = answeredBefore(request, fingerprint, delivery, owner);
    if (before.isPresent()) {
      return before.get();
    }
    int attemptLimit = delivery.attemptsBeforeReplay() + policy.maxAttemptsTotal();
    if (request.getDeadline() != null && !started.isBefore(request.getDeadline())) {
      return finished(TerminalResults.unsuccessful(request, ResultStatus.EXPIRED, ErrorCode.DEADLINE_EXCEEDED,
          "deadline " + request.getDeadline() + " passed before a provider was called", false, null,
          job.getAttempts().size()), List.of());
    }
    Optional<ModelSpec> spec = catalog.find(decision.getProvider(), decision.getModel());
    if (spec.isEmpty()) {
      return failed(job, job.getAttempts(), List.of(), ErrorCode.UNKNOWN_MODEL, "model " + decision.getProvider() + "/"
          + decision.getModel() + " is not in this worker's catalog", false, null);
    }
    Optional<JobOutcome> unfit = capabilityMismatch(job, spec.get());
    if (unfit.isPresent()) {
      return unfit.get();
    }
    CacheMode mode = request.getCache() == null ? CacheMode.DEFAULT : request.getCache().getMode();
    CacheKey key = CacheKey.of(request, decision.getProvider(), decision.getModel());
    if (mode == CacheMode.DEFAULT || mode == CacheMode.READ_ONLY) {
      Optional<CompletionResult> hit = cached(key, request.getId());
      if (hit.isPresent()) {
        return cacheHit(job, hit.get(), started);
      }
      metrics.cacheMiss();
    }
    if (mode != CacheMode.DEFAULT || request.getStream()) {
      return call(job, spec.get(), key, mode, chunks, started, attemptLimit);
    }
    return singleFlight(job, spec.get(), key, chunks, started, attemptLimit);
  }

  /**
   * What the ledger says the request needs instead of a run, if anything: nothing again when it already has a
   * terminal result; its reply copy again when a worker published the result and died before recording it; a
   * REJECTED result when its id belongs to a different request. A job an operator replayed from the dead-letter
   * topic runs again unless it already succeeded: its new result supersedes the failed one.
   */
  private Optional<JobOutcome> answeredBefore(CompletionRequest request, String fingerprint, Delivery delivery, String owner)
      throws InterruptedException {
    Optional<LedgerEntry> entry = ledger.begin(request.getTeam(), request.getId(), owner);
    if (busyElsewhere(entry)) {
      // Another worker holds the job (its lock was lost when a worker joined, say): wait for its result rather
      // than call the provider a second time; its lease lapses if it dies.
      log.info("request {} is being processed by another worker; waiting for its result", request.getId());
      while (busyElsewhere(entry)) {
        Thread.sleep(LEDGER_POLL);
        entry = ledger.begin(request.getTeam(), request.getId(), owner);
      }
    }
    // An operator's replay may change what is asked (another model, other parameters): it is the same request
    // under its id, not a different one reusing it.
    if (entry.isPresent() && !delivery.replayed() && !entry.get().answers(fingerprint)) {
      return Optional.of(duplicateId(request, entry.get()));
    }
    if (entry.orElse(null) instanceof LedgerEntry.Publishing publishing) {
      // A replay overwrites the ledger entry of the run it replays; a publishing entry it finds is its own.
      return publishedBefore(request, publishing).map(result -> new JobOutcome.AlreadyPublished(result, fingerprint));
    }
    Optional<String> status = entry.orElse(null) instanceof LedgerEntry.Done done ? Optional.of(done.status()) : Optional.empty();
    if (status.isEmpty()) {
      return Optional.empty();
    }
    if (!delivery.replayed()) {
      log.info("request {} already has a terminal result; not calling a provider again", request.getId());
      return Optional.of(new JobOutcome.AlreadyDone());
    }
    if (status.get().startsWith(ResultStatus.SUCCEEDED.name())) {
      log.info("request {} replayed from {} already succeeded; not calling a provider again", request.getId(),
          delivery.replayOf());
      return Optional.of(new JobOutcome.AlreadyDone());
    }
    if (status.get().endsWith(REPLAY_MARK + delivery.replayOf())) {
      // This replay ran already and published its result; its record came again (a crash before the ack).
      log.info("request {} replayed from {} already has its result from this replay ({}); not calling a provider again",
          request.getId(), delivery.replayOf(), status.get());
      return Optional.of(new JobOutcome.AlreadyDone());
    }
    log.info("request {} replayed from {} (last result: {}); running it again", request.getId(), delivery.replayOf(),
        status.get());
    return Optional.empty();
  }

  /**
   * The REJECTED result of a request whose id already belongs to a different request of its team (one that asks
   * something else): a producer that reuses ids, or that leaves the id to its record keys and sends several
   * requests under one key. Its result goes out under that id; the ledger keeps the first request's entry.
   */
  private JobOutcome duplicateId(CompletionRequest request, LedgerEntry taken) {
    String other = taken instanceof LedgerEntry.Done done
        ? "whose " + done.status() + " result is on the results topic" : "whose result is being published";
    String message = "request id " + request.getId() + " of team " + request.getTeam()
        + " is already taken by a different request, " + other + "; this request was not run: give each request "
        + "its own id (metadata.request_id on JSON requests, where the record key stands in when it is missing)";
    log.warn("rejected request {} of team {}: its id belongs to a different request", request.getId(), request.getTeam());
    return new JobOutcome.DuplicateId(TerminalResults.unsuccessful(request, ResultStatus.REJECTED, ErrorCode.INVALID_REQUEST,
        message, false, null, 0));
  }

  /**
   * Identical cacheable requests in flight at once in this worker make one provider call: the first becomes
   * the leader, the others wait for its answer and are served as cache hits. When the leader does not
   * succeed, each follower makes its own call. The leader in turn takes part in the single flight across
   * workers ({@link #acrossWorkers}).
   */
  private JobOutcome singleFlight(RoutedRequest job, ModelSpec spec, CacheKey key, Consumer<CompletionChunk> chunks,
      Instant started, int attemptLimit) throws InterruptedException {
    CompletableFuture<CompletionResult> mine = new CompletableFuture<>();
    CompletableFuture<CompletionResult> leader = inFlight.putIfAbsent(key, mine);
    if (leader != null) {
      try {
        CompletionResult answer = leader.get();
        if (answer != null) {
          return cacheHit(job, answer, started);
        }
      } catch (ExecutionException e) {
        // the leader's failure is its own; this job tries for itself below
      }
      return call(job, spec, key, CacheMode.DEFAULT, chunks, started, attemptLimit);
    }
    CompletionResult answer = null;
    try {
      JobOutcome outcome = acrossWorkers(job, spec, key, chunks, started, attemptLimit);
      if (outcome instanceof JobOutcome.Finished f && f.result().getStatus() == ResultStatus.SUCCEEDED) {
        answer = f.result();
      }
      return outcome;
    } finally {
      inFlight.remove(key, mine);
      mine.complete(answer);
    }
  }

  /**
   * Single flight across workers: the worker that claims the cache key calls the provider; the others wait for
   * its answer to appear in the cache and serve it as a cache hit. A claim given up without an answer (the call
   * failed) or left to expire (its worker died) sends the waiters to call for themselves.
   */
  private JobOutcome acrossWorkers(RoutedRequest job, ModelSpec spec, CacheKey key, Consumer<CompletionChunk> chunks,
      Instant started, int attemptLimit) throws InterruptedException {
    String owner = workerId + ":" + job.getRequest().getId();
    if (cache.claim(key, owner, FLIGHT_LEASE)) {
      try {
        return call(job, spec, key, CacheMode.DEFAULT, chunks, started, attemptLimit);
      } finally {
        cache.release(key, owner);
      }
    }
    log.debug("request {}: another worker is asking {} the same question; waiting for its answer", job.getRequest().getId(),
        spec.qualifiedName());
    long deadline = System.nanoTime() + FLIGHT_LEASE.toNanos();
    while (System.nanoTime() < deadline) {
      Thread.sleep(FLIGHT_POLL);
      Optional<CompletionResult> hit = cached(key, job.getRequest().getId());
      if (hit.isPresent()) {
        return cacheHit(job, hit.get(), started);
      }
      if (!cache.claimed(key)) {
        // The answer is stored before the claim is given up: a last look decides.
        hit = cached(key, job.getRequest().getId());
        if (hit.isPresent()) {
          return cacheHit(job, hit.get(), started);
        }
        break;
      }
    }
    return call(job, spec, key, CacheMode.DEFAULT, chunks, started, attemptLimit);
  }

  /**
   * A job routed to a model that lacks a capability the request needs (images to a text-only model, say)
   * never reaches the provider: it moves to the first model in its fallback chain that has everything, or
   * fails with the missing capabilities named.
   */
  private Optional<JobOutcome> capabilityMismatch(RoutedRequest job, ModelSpec spec) {
    Set<Capability> needed;
    try {
      needed = Capability.requiredBy(job.getRequest());
    } catch (IllegalArgumentException e) {
      return Optional.of(failed(job, job.getAttempts(), List.of(), ErrorCode.INVALID_REQUEST, e.getMessage(), false, null));
    }
    if (spec.capabilities().containsAll(needed)) {
      return Optional.empty();
    }
    Set<Capability> missing = EnumSet.copyOf(needed);
    missing.removeAll(spec.capabilities());
    String why = spec.qualifiedName() + " lacks " + missing + ", which request " + job.getRequest().getId() + " needs";
    List<ModelRef> chain = job.getDecision().getFallbackChain();
    for (int i = 0; i < chain.size(); i++) {
      ModelRef candidate = chain.get(i);
      Optional<ModelSpec> next = catalog.find(candidate.getProvider(), candidate.getModel());
      if (next.isPresent() && next.get().capabilities().containsAll(needed)) {
        RoutingDecision decision = RoutingDecision.newBuilder(job.getDecision())
            .setProvider(candidate.getProvider()).setModel(candidate.getModel())
            .setFallbackChain(List.copyOf(chain.subList(i + 1, chain.size())))
            .setReason(why + "; moved to " + next.get().qualifiedName() + " without calling it")
            .build();
        return Optional.of(new JobOutcome.Forwarded(new RoutedRequest(job.getRequest(), decision, job.getAttempts()), List.of()));
      }
    }
    log.warn("request {} cannot be served: {}", job.getRequest().getId(), why);
    return Optional.of(failed(job, job.getAttempts(), List.of(), ErrorCode.NO_CAPABLE_MODEL,
        why + ", and no model in its fallback chain has them; route it to a model with " + missing, false, null));
  }

  /**
   * True while another worker holds the request: its lease is live, or it began publishing the result moments
   * ago (and is about to record it done).
   */
  private boolean busyElsewhere(Optional<LedgerEntry> entry) {
    return switch (entry.orElse(null)) {
      case LedgerEntry.Running r -> true;
      case LedgerEntry.Publishing p -> clock.millis() - p.since() < PUBLISHING_GRACE.toMillis();
      case null, default -> false;
    };
  }

  /**
   * A worker was publishing the request's result and had not recorded it done: it died in between, lost the
   * job's lock, or failed to publish. The results partition says which.
   */
  private Optional<CompletionResult> publishedBefore(CompletionRequest request, LedgerEntry.Publishing publishing) {
    Optional<CompletionResult> found = published.find(request.getTeam(), request.getId(), publishing);
    if (found.isPresent()) {
      log.info("request {}: its {} result was published by a worker that did not record it; not publishing it again",
          request.getId(), found.get().getStatus());
    } else {
      log.info("request {}: a worker was publishing its result and did not; processing it again", request.getId());
    }
    return found;
  }

  /**
   * Records that an outcome's terminal result is about to be published to {@code resultsPartition}, so that a
   * worker that gets the job after a crash looks there before calling the provider again. Call it just before
   * publishing, then {@link #published} just after.
   */
  public void publishing(JobOutcome outcome, int resultsPartition) {
    if (outcome instanceof JobOutcome.Finished f && resultsPartition >= 0) {
      ledger.markPublishing(f.result().getTeam(), f.result().getId(),
          new LedgerEntry.Publishing(resultsPartition, clock.millis(), f.request()), policy.resultTtl());
    }
  }

  /** The metrics this processor records into. */
  public WorkerMetrics metrics() {
    return metrics;
  }

  /**
   * Records that an outcome's terminal result is safely published, so a redelivery of the same request id
   * is not sent to a provider again. Call it after publishing and before acknowledging.
   */
  public void published(JobOutcome outcome) {
    published(outcome, Delivery.ORIGINAL);
  }

  /**
   * {@link #published(JobOutcome)} for a job delivered as {@code delivery}: the result of a replayed job is
   * recorded as that replay's, so that its record, delivered again before it was acknowledged, is not run a
   * third time, while a later replay of the same dead letter still runs. A result found published by a worker that
   * died ({@link JobOutcome.AlreadyPublished}) is recorded now, after its reply copy was sent again.
   */
  public void published(JobOutcome outcome, Delivery delivery) {
    switch (outcome) {
      case JobOutcome.Finished f -> recordDone(f.result(), f.request(), delivery);
      case JobOutcome.AlreadyPublished p -> recordDone(p.result(), p.request(), delivery);
      default -> { }
    }
  }

  private void recordDone(CompletionResult result, String fingerprint, Delivery delivery) {
    ledger.markDone(result.getTeam(), result.getId(),
        new LedgerEntry.Done(ledgerStatus(result.getStatus().name(), delivery), fingerprint), policy.resultTtl());
  }

  /** Between a result's status and the replay that produced it, in the ledger. */
  private static final String REPLAY_MARK = " after replay ";

  /** The status as the ledger keeps it: a {@code ResultStatus} name, followed by the replay that produced it. */
  private static String ledgerStatus(String status, Delivery delivery) {
    return delivery.replayed() ? status + REPLAY_MARK + delivery.replayOf() : status;
  }

  /**
   * Calls the provider, retrying in place.
   *
   * @param attemptLimit the job's attempt history may grow to this size, no further
   */
  private JobOutcome call(RoutedRequest job, ModelSpec spec, CacheKey key, CacheMode mode, Consumer<CompletionChunk> chunks,
      Instant started, int attemptLimit) throws InterruptedException {
    CompletionRequest request = job.getRequest();
    ChatProvider provider = providers.apply(spec.provider());
    List<Attempt> attempts = new ArrayList<>(job.getAttempts());
    List<UsageEvent> usage = new ArrayList<>();
    ProviderException last = null;
    Duration longWait = null;
    for (int local = 1; local <= policy.maxAttemptsPerModel() && attempts.size() < attemptLimit; local++) {
      Instant callStart = clock.instant();
      Permit permit;
      String keyId;
      try {
        keyId = keys.choose(spec.provider(), provider.keyIds(), guard);
        permit = guard.admit(spec.provider(), spec.id(), keyId, estimatedTokens(job));
      } catch (CallRefused refused) {
        // Not a provider call: no usage event, but the attempt is kept so that refusals are bounded too.
        attempts.add(new Attempt(spec.provider(), spec.id(), callStart, clock.instant(), refused.code(), refused.getMessage()));
        last = new ProviderException(refused.code(), true, null, refused.getMessage(),
            new RateLimits(null, null, null, null, null, null, refused.retryAfter()), null);
        longWait = refused.retryAfter() == null ? policy.backoff().max() : refused.retryAfter();
        metrics.callRefused(spec.provider(), refused.code());
        log.info("request {}: call to {} refused before it was made: {}", request.getId(), spec.qualifiedName(),
            refused.getMessage());
        break;
      }
      ChatRequest chat = new ChatRequest(request.getId(), spec.id(), request.getMessages(), request.getParameters(), keyId);
      try {
        ChatResponse response = request.getStream()
            ? provider.stream(chat, c -> chunks.accept(chunk(request.getId(), spec, c)))
            : provider.complete(chat);
        Instant end = clock.instant();
        guard.completed(permit, response.usage(), response.rateLimits(), Duration.between(callStart, end));
        attempts.add(new Attempt(spec.provider(), spec.id(), callStart, end, null, null));
        long cost = spec.prices().costMicros(response.usage());
        metrics.callCompleted(spec.provider(), null, Duration.between(callStart, end));
        metrics.cost(request.getTeam(), spec.provider(), cost);
        TokenUsage tokens = tokens(response.usage());
        usage.add(usageEvent(request, spec, attempts.size(), tokens, cost, 0, false, Duration.between(callStart, end), null));
        CompletionResult result = CompletionResult.newBuilder()
            .setId(request.getId()).setTeam(request.getTeam()).setStatus(ResultStatus.SUCCEEDED)
            .setProvider(spec.provider()).setModel(spec.id())
            .setOutput(new Output(response.text(), response.toolCalls(), response.finishReason(), jsonIfAsked(request, response)))
            .setUsage(tokens).setCostMicros(cost).setCached(false)
            .setLatencyMillis(Duration.between(started, end).toMillis()).setAttempts(attempts.size())
            .setBatchId(request.getBatchId()).setCustomId(request.getCustomId()).setCompletedAt(end)
            .build();
        if (mode == CacheMode.DEFAULT || mode == CacheMode.REFRESH) {
          store(key, result, ttl(request, spec));
        }
        return finished(result, usage);
      } catch (ProviderException e) {
        Instant end = clock.instant();
        guard.failed(permit, e, Duration.between(callStart, end));
        metrics.callCompleted(spec.provider(), e.code(), Duration.between(callStart, end));
        if (Thread.currentThread().isInterrupted()) {
          // Graceful shutdown interrupted the call: not an outcome to publish; the job is released instead.
          throw new InterruptedException("request " + request.getId() + ": call to " + spec.qualifiedName() + " interrupted");
        }
        last = e;
        attempts.add(new Attempt(spec.provider(), spec.id(), callStart, end, e.code(), e.getMessage()));
        usage.add(usageEvent(request, spec, attempts.size(), new TokenUsage(0L, 0L, 0L, 0L), 0, 0, false,
            Duration.between(callStart, end), e.code()));
        log.info("request {} attempt {} on {} failed: {} ({})", request.getId(), attempts.size(), spec.qualifiedName(),
            e.code(), e.retryable() ? "retryable" : "not retryable");
        if (!e.retryable() || local == policy.maxAttemptsPerModel()) {
          break;
        }
        Duration wait = policy.backoff().delay(local, e.retryAfter());
        if (wait.compareTo(policy.backoff().max()) > 0) {
          longWait = wait;
          break;
        }
        Thread.sleep(wait);
      }
    }
    if (last == null) {
      return failed(job, attempts, usage, ErrorCode.INTERNAL, "request " + request.getId() + " used all "
          + policy.maxAttemptsTotal() + " attempts it is allowed", false, null);
    }
    boolean fallbackHelps = last.retryable() || last.code() == ErrorCode.CONTEXT_TOO_LONG;
    List<ModelRef> chain = job.getDecision().getFallbackChain();
    if (fallbackHelps && !chain.isEmpty()) {
      ModelRef next = chain.getFirst();
      RoutingDecision decision = RoutingDecision.newBuilder(job.getDecision())
          .setProvider(next.getProvider()).setModel(next.getModel())
          .setFallbackChain(List.copyOf(chain.subList(1, chain.size())))
          .setReason("fallback from " + spec.qualifiedName() + " after " + last.code() + "; " + job.getDecision().getReason())
          .build();
      return new JobOutcome.Forwarded(new RoutedRequest(request, decision, attempts), usage);
    }
    if (last.retryable() && attempts.size() < attemptLimit) {
      // Nowhere to fall back, and retrying may still help: park the job on the retry topic, for as long as
      // the provider asked or the back-off says, instead of holding its record here.
      Duration wait = longWait != null ? longWait : policy.backoff().delay(attempts.size(), last.retryAfter());
      return new JobOutcome.Deferred(new RoutedRequest(request, job.getDecision(), attempts), clock.instant().plus(wait), usage);
    }
    return failed(job, attempts, usage, last.code(), last.getMessage(), last.retryable(), last.providerStatus());
  }

  /** Tokens to reserve against token limits: the router's input estimate plus the output the request allows. */
  private static long estimatedTokens(RoutedRequest job) {
    var p = job.getRequest().getParameters();
    int output = p != null && p.getMaxTokens() != null ? p.getMaxTokens() : 256;
    return (long) job.getDecision().getEstimatedInputTokens() + output;
  }

  /**
   * The cached answer for {@code key}. An entry this worker cannot decode (written by another schema
   * version, or corrupted) is a miss, not a failure: failing would fail every identical request until the
   * entry expires, and the fresh answer overwrites it.
   */
  private Optional<CompletionResult> cached(CacheKey key, String requestId) {
    Optional<byte[]> bytes = cache.get(key);
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(resultSerde.decode(bytes.get()));
    } catch (UndecodableRecordException e) {
      log.warn("request {}: ignoring undecodable cache entry {}: {}", requestId, key.redisKey(), e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Caches a paid answer. A cache that fails to store it must not fail the job: the provider has answered
   * and been paid, and failing would release the job for redelivery and pay for the same answer again.
   */
  private void store(CacheKey key, CompletionResult result, Duration ttl) {
    try {
      cache.put(key, resultSerde.encode(result), ttl);
    } catch (RuntimeException e) {
      log.warn("request {}: could not cache the answer in {}; returning it uncached: {}", result.getId(), cache.describe(),
          e.toString());
    }
  }

  private JobOutcome cacheHit(RoutedRequest job, CompletionResult cached, Instant started) {
    metrics.cacheHit();
    CompletionRequest request = job.getRequest();
    ModelSpec spec = catalog.find(cached.getProvider(), cached.getModel()).orElseThrow();
    int attempt = job.getAttempts().size() + 1;
    CompletionResult result = CompletionResult.newBuilder(cached)
        .setId(request.getId()).setTeam(request.getTeam()).setCached(true).setCostMicros(0)
        .setLatencyMillis(Duration.between(started, clock.instant()).toMillis()).setAttempts(attempt)
        .setBatchId(request.getBatchId()).setCustomId(request.getCustomId()).setCompletedAt(clock.instant())
        .build();
    UsageEvent event = usageEvent(request, spec, attempt, cached.getUsage(), 0, cached.getCostMicros(), true,
        Duration.between(started, clock.instant()), null);
    return finished(result, List.of(event));
  }

  private JobOutcome failed(RoutedRequest job, List<Attempt> attempts, List<UsageEvent> usage, ErrorCode code, String message,
      boolean retryable, Integer status) {
    CompletionRequest request = job.getRequest();
    CompletionResult result = TerminalResults.unsuccessful(request, ResultStatus.FAILED, code, message, retryable, status,
        attempts.size());
    RoutedRequest failedJob = new RoutedRequest(request, job.getDecision(), attempts);
    byte[] original = AvroSerde.of(RoutedRequest.class).encode(failedJob);
    DeadLetter letter = TerminalResults.deadLetter("", -1, -1, null, original, null, code, message)
        .setRequestId(request.getId()).setTeam(request.getTeam()).setProvider(job.getDecision().getProvider())
        .setAttempts(attempts.size())
        .setFirstAttemptAt(attempts.isEmpty() ? null : attempts.getFirst().getStartedAt())
        .setLastAttemptAt(attempts.isEmpty() ? null : attempts.getLast().getFinishedAt())
        .build();
    return new JobOutcome.Finished(result, usage, letter);
  }

  private static JobOutcome finished(CompletionResult result, List<UsageEvent> usage) {
    return new JobOutcome.Finished(result, usage, null);
  }

  private UsageEvent usageEvent(CompletionRequest request, ModelSpec spec, int attempt, TokenUsage tokens, long cost, long saved,
      boolean cached, Duration latency, ErrorCode error) {
    return UsageEvent.newBuilder()
        .setEventId(request.getId() + ":" + attempt)
        .setRequestId(request.getId()).setTeam(request.getTeam()).setUser(request.getUser())
        .setProvider(spec.provider()).setModel(spec.id()).setAttempt(attempt)
        .setUsage(tokens).setCostMicros(cost).setSavedCostMicros(saved).setCached(cached)
        .setLatencyMillis(latency.toMillis()).setErrorCode(error).setOccurredAt(clock.instant())
        .build();
  }

  private CompletionChunk chunk(String requestId, ModelSpec spec, io.promptyard.providers.ChatChunk c) {
    return new CompletionChunk(requestId, c.index(), c.textDelta(), c.finishReason(), spec.provider(), spec.id(), clock.instant());
  }

  /** The request's own TTL, else the model's from the catalog, else the workers' default. */
  private Duration ttl(CompletionRequest request, ModelSpec spec) {
    if (request.getCache() != null && request.getCache().getTtlSeconds() != null) {
      return Duration.ofSeconds(request.getCache().getTtlSeconds());
    }
    return spec.cacheTtl() != null ? spec.cacheTtl() : policy.cacheTtl();
  }


  private static TokenUsage tokens(io.promptyard.catalog.Usage u) {
    return new TokenUsage(u.inputTokens(), u.outputTokens(), u.cachedInputTokens(), u.reasoningTokens());
  }

  private static String jsonIfAsked(CompletionRequest request, ChatResponse response) {
    var p = request.getParameters();
    boolean json = p != null && p.getResponseFormat() != null && !"text".equals(p.getResponseFormat().getType());
    return json ? response.text() : null;
  }
}
