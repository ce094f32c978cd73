package io.promptyard.worker.health;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.promptyard.catalog.Usage;
import io.promptyard.providers.FailureScope;
import io.promptyard.providers.ProviderException;
import io.promptyard.providers.RateLimits;
import io.promptyard.schemas.CircuitState;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.ProviderHealth;
import io.promptyard.worker.guard.CallGuard;
import io.promptyard.worker.guard.CallRefused;
import io.promptyard.worker.guard.Permit;
import io.promptyard.worker.metrics.WorkerMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Circuit breakers (resilience4j) per provider and, when configured, per provider/model: a provider
 * that keeps failing on its side is not called until its circuit lets trial calls through again,
 * and jobs move to their fallback or wait on the retry topic instead. It also keeps what the
 * provider-health topic publishes: error rate and latency percentiles over a recent window and the
 * last remaining quota seen.
 *
 * <p>Only provider-side failures count against a circuit. A 429 ({@code RATE_LIMITED}) does not:
 * the provider is up and our quota is spent, which the shared rate limiter waits out (honouring
 * Retry-After) and the published remaining quota tells the router; opening the circuit would turn
 * every other worker's well-paced calls into refusals, and a 429 for one API key would shut the
 * provider for all keys. Adapters classify a provider's "overloaded" answers (529, 503) as {@code
 * OVERLOADED}, which does count.
 *
 * <p>A failure of the provider account ({@link FailureScope#ACCOUNT}: every key refused, permission
 * denied, quota or credit exhausted) opens the provider's circuit, and its key's, at once: no call
 * can succeed until an operator acts, so waiting for a failure rate would only spend more jobs on
 * it. A model the account does not have ({@link FailureScope#MODEL}: unknown model, deleted
 * deployment) opens that provider/model's circuit, or the provider's when circuits are not kept per
 * model. Either circuit lets trial calls through after the usual open wait, and closes when they
 * succeed.
 *
 * <p>Circuits per API key: the worker chooses each call's key ({@code ChatRequest.keyId}) and names
 * it in {@link #admit(String, String, String, long)}; the call then also needs the permission of
 * the key's circuit, {@code provider#keyId} (the key id is a hash of the key, never the key), and
 * counts on it. The worker's key rotation passes over keys whose circuit is open ({@link
 * #refusesKey}). Key circuits are published to the provider-health topic under that name, with the
 * provider set and no model.
 */
public final class CircuitBreakerGuard implements CallGuard {

  private static final Logger log = LoggerFactory.getLogger(CircuitBreakerGuard.class);

  /** What one finished call says about the provider's health. */
  enum Verdict {
    /** The provider failed on its side. */
    FAILURE,
    /** The provider account, or the model on it, is broken: open the circuit now. */
    BROKEN,
    /**
     * The provider answered: successfully, or with a definite verdict on the request (a client
     * error).
     */
    SUCCESS,
    /**
     * Says nothing about the provider's health (a 429; a call refused by another guard, never
     * made).
     */
    NEUTRAL
  }

  static Verdict verdict(ProviderException error) {
    return switch (error.scope()) {
      case ACCOUNT, MODEL -> Verdict.BROKEN;
      case CALL, REQUEST -> verdict(error.code());
    };
  }

  static Verdict verdict(ErrorCode code) {
    return switch (code) {
      case OVERLOADED, PROVIDER_ERROR, TIMEOUT, CONNECTION, MALFORMED_RESPONSE -> Verdict.FAILURE;
      case RATE_LIMITED, INTERNAL, DEADLINE_EXCEEDED, UNKNOWN_ERROR -> Verdict.NEUTRAL;
      default -> Verdict.SUCCESS;
    };
  }

  private final BreakerSettings settings;
  private final CircuitBreakerRegistry registry;
  private final Duration statsWindow;
  private final Clock clock;
  private final WorkerMetrics metrics;
  private final Map<String, Circuit> circuits = new ConcurrentHashMap<>();
  private final List<Consumer<String>> transitionListeners = new CopyOnWriteArrayList<>();

  /** One circuit and what is published about it. */
  private static final class Circuit {
    final String key;
    final String provider;
    final String model;
    final CircuitBreaker breaker;
    final CallWindow calls;
    volatile Long remainingRequests;
    volatile Long remainingTokens;
    volatile Instant openedAt = Instant.EPOCH;

    /** Why the circuit last opened, for the refusals it gives while open. */
    volatile String whyOpened = "";

    /**
     * The error of the broken account or model the circuit last opened for, or null when it opened
     * for failures on the provider's side: its refusals then carry that error, not OVERLOADED.
     */
    volatile ErrorCode brokenBy;

    /** Set just before the circuit is opened on purpose; read by the transition listener. */
    volatile String openingFor;

    volatile ErrorCode openingCode;

    Circuit(String key, String provider, String model, CircuitBreaker breaker, CallWindow calls) {
      this.key = key;
      this.provider = provider;
      this.model = model;
      this.breaker = breaker;
      this.calls = calls;
    }
  }

  /**
   * @param statsWindow how far back error rate and latency percentiles reach
   */
  public CircuitBreakerGuard(
      BreakerSettings settings, Duration statsWindow, Clock clock, WorkerMetrics metrics) {
    this.settings = settings;
    CircuitBreakerConfig config = settings.circuitBreakerConfig(clock);
    this.registry = CircuitBreakerRegistry.of(config);
    this.statsWindow = statsWindow;
    this.clock = clock;
    this.metrics = metrics;
  }

  public CircuitBreakerGuard(BreakerSettings settings, Clock clock) {
    this(settings, Duration.ofSeconds(60), clock, WorkerMetrics.noop());
  }

  /**
   * Starts tracking a provider before its first call, so that its health is published from the
   * start.
   */
  public void track(String provider) {
    circuit(provider, null);
  }

  /** Called with the circuit's key (provider or provider/model) after each state transition. */
  public void onTransition(Consumer<String> listener) {
    transitionListeners.add(listener);
  }

  @Override
  public Permit admit(String provider, String model, long estimatedTokens) throws CallRefused {
    return admit(provider, model, null, estimatedTokens);
  }

  /**
   * Also takes a permission of the key's circuit, {@code provider#keyId}, when the call names its
   * key.
   */
  @Override
  public Permit admit(String provider, String model, String keyId, long estimatedTokens)
      throws CallRefused {
    List<Circuit> needed = new ArrayList<>(3);
    needed.add(circuit(provider, null));
    if (settings.perModel() && model != null) {
      needed.add(circuit(provider, model));
    }
    if (keyId != null) {
      needed.add(keyCircuit(provider, keyId));
    }
    List<Circuit> admitted = new ArrayList<>(needed.size());
    try {
      for (Circuit c : needed) {
        acquire(c);
        admitted.add(c);
      }
    } catch (CallRefused e) {
      admitted.forEach(c -> c.breaker.releasePermission());
      throw e;
    }
    return new Permit(provider, model, estimatedTokens, List.copyOf(admitted));
  }

  /**
   * True while the circuit of the key {@code provider#keyId} is open: rotation passes over the key.
   */
  @Override
  public boolean refusesKey(String provider, String keyId) {
    Circuit c = circuits.get(provider + "#" + keyId);
    return c != null && c.breaker.getState() == CircuitBreaker.State.OPEN;
  }

  @Override
  public void completed(Permit permit, Usage usage, RateLimits limits, Duration latency) {
    long now = clock.millis();
    for (Circuit c : circuits(permit)) {
      c.breaker.onSuccess(latency.toNanos(), TimeUnit.NANOSECONDS);
      c.calls.record(now, latency.toMillis(), false);
      remember(c, limits);
    }
  }

  @Override
  public void failed(Permit permit, ProviderException error, Duration latency) {
    long now = clock.millis();
    Verdict verdict = verdict(error);
    List<Circuit> broken =
        verdict == Verdict.BROKEN ? brokenBy(error.scope(), circuits(permit)) : List.of();
    for (Circuit c : circuits(permit)) {
      switch (verdict) {
        case FAILURE -> c.breaker.onError(latency.toNanos(), TimeUnit.NANOSECONDS, error);
        case BROKEN -> {
          if (broken.contains(c)) {
            open(c, error, latency);
          } else {
            // A missing model says nothing about its provider's other models.
            c.breaker.releasePermission();
          }
        }
        case SUCCESS -> c.breaker.onSuccess(latency.toNanos(), TimeUnit.NANOSECONDS);
        case NEUTRAL -> c.breaker.releasePermission();
      }
      // INTERNAL is what a guard chain reports for a call another guard refused: no call was made.
      if (error.code() != ErrorCode.INTERNAL) {
        c.calls.record(now, latency.toMillis(), verdict == Verdict.FAILURE || broken.contains(c));
      }
      remember(c, error.rateLimits());
    }
  }

  /**
   * Opens the provider's circuit for a broken account found without a job's call (the key check at
   * start found no usable key), as an account failure of a call opens it: refused calls carry the
   * error's code, and trial calls go through after the usual open wait.
   */
  public void openBroken(String provider, ProviderException error) {
    open(circuit(provider, null), error, Duration.ZERO);
  }

  /**
   * The circuits a broken account or model opens: for the account, the provider's and its key's;
   * for a model, the provider/model's, else (no circuits per model) the provider's.
   */
  private static List<Circuit> brokenBy(FailureScope scope, List<Circuit> admitted) {
    List<Circuit> models = admitted.stream().filter(c -> c.model != null).toList();
    if (scope == FailureScope.MODEL && !models.isEmpty()) {
      return models;
    }
    List<Circuit> provider = admitted.stream().filter(c -> c.model == null).toList();
    return scope == FailureScope.MODEL
        ? provider.stream().filter(c -> !c.key.contains("#")).toList()
        : provider;
  }

  /**
   * Counts the failed call and opens {@code c} if that did not already: a trial call of a half-open
   * circuit reopens it by the count alone.
   */
  private static void open(Circuit c, ProviderException error, Duration latency) {
    c.openingFor =
        (error.scope() == FailureScope.ACCOUNT ? "its account failed: " : "its model failed: ")
            + error.code()
            + (error.providerStatus() == null ? "" : " (HTTP " + error.providerStatus() + ")");
    c.openingCode = error.code();
    c.breaker.onError(latency.toNanos(), TimeUnit.NANOSECONDS, error);
    if (c.breaker.getState() != CircuitBreaker.State.OPEN) {
      try {
        c.breaker.transitionToOpenState();
      } catch (IllegalStateException raced) {
        // Another call moved it first; the next account failure opens it.
      }
    }
    c.openingFor = null;
    c.openingCode = null;
  }

  /** The state of every circuit, by key (provider or provider/model). */
  public Map<String, CircuitState> states() {
    Map<String, CircuitState> states = new TreeMap<>();
    circuits.values().forEach(c -> states.put(c.key, state(c)));
    return states;
  }

  /** What the provider-health topic says about every circuit now. */
  public List<ProviderHealth> health() {
    return circuits.values().stream().map(this::health).toList();
  }

  /** What the provider-health topic says about one circuit now; empty when it is not tracked. */
  public java.util.Optional<ProviderHealth> health(String key) {
    return java.util.Optional.ofNullable(circuits.get(key)).map(this::health);
  }

  private ProviderHealth health(Circuit c) {
    Instant now = clock.instant();
    CallWindow.Summary s = c.calls.summary(now.toEpochMilli());
    return ProviderHealth.newBuilder()
        .setKey(c.key)
        .setProvider(c.provider)
        .setModel(c.model)
        .setCircuitState(state(c))
        .setErrorRate(s.errorRate())
        .setLatencyP50Millis(s.p50Millis())
        .setLatencyP99Millis(s.p99Millis())
        .setRemainingRequests(c.remainingRequests)
        .setRemainingTokens(c.remainingTokens)
        .setUpdatedAt(now)
        .build();
  }

  private void acquire(Circuit c) throws CallRefused {
    if (c.breaker.tryAcquirePermission()) {
      return;
    }
    if (c.breaker.getState() == CircuitBreaker.State.OPEN) {
      Duration untilHalfOpen =
          Duration.between(clock.instant(), c.openedAt.plus(settings.waitInOpenState()));
      if (untilHalfOpen.isNegative()) {
        untilHalfOpen = Duration.ZERO;
      }
      // A broken account or model: calling again later will not help the job, another provider
      // of its fallback chain may, so the refusal says what is broken instead of "overloaded".
      ErrorCode broken = c.brokenBy;
      throw new CallRefused(
          broken != null ? broken : ErrorCode.OVERLOADED,
          "circuit of "
              + c.key
              + " is open: "
              + c.whyOpened
              + "; trial calls in "
              + Math.max(1, untilHalfOpen.toSeconds())
              + " s",
          spread(untilHalfOpen, settings.waitInOpenState().dividedBy(2)));
    }
    // Half-open with every trial call already in flight: they decide within about one call's time.
    throw new CallRefused(
        ErrorCode.OVERLOADED,
        "circuit of " + c.key + " is half-open and its trial calls are in flight",
        spread(Duration.ofSeconds(1), Duration.ofSeconds(1)));
  }

  /**
   * When a refused job should come back: {@code after}, plus a random share of {@code over}. Every
   * job refused while a circuit is open would otherwise be due at the same instant, and the burst
   * of calls they make when it closes can time out on a loaded machine and open it again.
   */
  private static Duration spread(Duration after, Duration over) {
    return after.plusMillis(ThreadLocalRandom.current().nextLong(Math.max(0, over.toMillis()) + 1));
  }

  private Circuit circuit(String provider, String model) {
    return circuit(model == null ? provider : provider + "/" + model, provider, model);
  }

  /** The circuit of one API key, named by its id, never by the key. */
  private Circuit keyCircuit(String provider, String keyId) {
    return circuit(provider + "#" + keyId, provider, null);
  }

  private Circuit circuit(String key, String provider, String model) {
    return circuits.computeIfAbsent(
        key,
        k -> {
          CircuitBreaker breaker = registry.circuitBreaker(k);
          Circuit c = new Circuit(k, provider, model, breaker, new CallWindow(statsWindow));
          breaker
              .getEventPublisher()
              .onStateTransition(
                  e -> {
                    CircuitBreaker.State to = e.getStateTransition().getToState();
                    if (to == CircuitBreaker.State.OPEN) {
                      c.openedAt = clock.instant();
                      String forWhat = c.openingFor;
                      c.openingFor = null;
                      c.brokenBy = forWhat != null ? c.openingCode : null;
                      c.openingCode = null;
                      c.whyOpened =
                          forWhat != null
                              ? forWhat
                              : Math.round(breaker.getMetrics().getFailureRate())
                                  + "% of its recent calls failed on the provider's side";
                      log.warn(
                          "circuit of {} opened: {}; calls refused for {}",
                          k,
                          c.whyOpened,
                          settings.waitInOpenState());
                    } else {
                      log.info("circuit of {}: {}", k, e.getStateTransition());
                    }
                    transitionListeners.forEach(l -> l.accept(k));
                  });
          metrics.circuitState(k, () -> state(c));
          return c;
        });
  }

  private static void remember(Circuit c, RateLimits limits) {
    if (limits == null) {
      return;
    }
    if (limits.remainingRequests() != null) {
      c.remainingRequests = limits.remainingRequests();
    }
    if (limits.remainingTokens() != null) {
      c.remainingTokens = limits.remainingTokens();
    }
  }

  private static CircuitState state(Circuit c) {
    return switch (c.breaker.getState()) {
      case CLOSED -> CircuitState.CLOSED;
      case OPEN, FORCED_OPEN -> CircuitState.OPEN;
      case HALF_OPEN -> CircuitState.HALF_OPEN;
      default -> CircuitState.UNKNOWN_STATE;
    };
  }

  @SuppressWarnings("unchecked")
  private static List<Circuit> circuits(Permit permit) {
    return permit.state() instanceof List<?> l ? (List<Circuit>) l : List.of();
  }
}
