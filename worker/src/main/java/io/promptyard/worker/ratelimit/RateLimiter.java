package io.promptyard.worker.ratelimit;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.ProviderSpec;
import io.promptyard.catalog.Usage;
import io.promptyard.providers.ProviderException;
import io.promptyard.providers.RateLimits;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.worker.guard.CallGuard;
import io.promptyard.worker.guard.CallRefused;
import io.promptyard.worker.guard.Permit;
import io.promptyard.worker.ratelimit.BucketStore.Adjust;
import io.promptyard.worker.ratelimit.BucketStore.Draw;
import io.promptyard.worker.ratelimit.BucketStore.Reservation;
import io.promptyard.worker.redis.RedisAvailability;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Requests-per-minute and tokens-per-minute limits per provider, shared by every worker through
 * Redis, as a {@link CallGuard}.
 *
 * <p><b>Algorithm: GCRA</b> (the generic cell rate algorithm, a token bucket expressed as one
 * timestamp). Each bucket is a single Redis key holding its theoretical arrival time; a draw of
 * {@code n} units moves it by {@code n} refill intervals, and the call conforms once that time is
 * less than the bucket's capacity ahead of now: a minute, as OpenAI describes its limits, less the
 * {@link RateLimiterSettings#headroom() headroom}. We chose it over a stored token bucket because
 * one number per bucket needs no refill bookkeeping, a reservation in the future is just a later
 * timestamp (so a call reserves its turn once and sleeps until it, instead of polling Redis), and a
 * "nothing before T" from the provider is a floor on that timestamp. The scripts take Redis's own
 * clock, so workers with skewed clocks agree.
 *
 * <p><b>Calls.</b> {@link #admit} reserves one request and the estimated tokens atomically (all
 * buckets or none) and sleeps the virtual thread until the reserved turn; a turn further away than
 * {@link RateLimiterSettings#maxInPlaceWait()} is not reserved and the call is refused with {@code
 * RATE_LIMITED} and the time to come back. {@link #completed} charges or refunds the difference
 * between the estimate and the real usage; {@link #failed} refunds the tokens.
 *
 * <p><b>Adapting to the provider.</b> {@code x-ratelimit-remaining-*} caps each bucket at what the
 * provider says is left (plus one, for the header's rounding down); the reset times need no
 * separate handling under a continuously refilling bucket, and holding until them would idle for up
 * to a minute after every response that reported zero left. A 429, or any {@code Retry-After}, sets
 * a shared hold-until key (expiring by itself) that every worker's next reservation waits for, and
 * empties the buckets as of that moment so that the workers do not all rush in when it lifts.
 *
 * <p><b>Key space.</b> {@code <prefix>{<provider>}:requests}, {@code …:tokens} and {@code …:hold};
 * the braces are a Redis Cluster hash tag keeping one provider's keys in one slot. Per-API-key
 * limits (catalog options {@code requestsPerMinutePerKey}, {@code tokensPerMinutePerKey}) are more
 * buckets under the same tag, {@code <prefix>{<provider>}:key:<keyId>:requests} and {@code
 * …:tokens}, where the key id is the first 12 hex digits of the key's SHA-256 (never the key). A
 * call that names its key ({@link #admit(String, String, String, long)}) draws on the provider's
 * and the key's buckets in the same script, so both are honoured atomically; the provider's
 * remaining-quota headers then correct the key's buckets, since they describe the key that called.
 * A 429 holds the whole provider, as before.
 *
 * <p><b>Without Redis.</b> When Redis does not answer (refused connections, timeouts) or refuses
 * the scripts' writes (out of memory at {@code maxmemory}, a read-only replica), each worker limits
 * itself locally to its fair share — the limit divided by the live workers last counted from the
 * heartbeats in Redis — says so once at WARN, and reports {@link #degraded()}; the heartbeat keeps
 * trying Redis and switches back, once at INFO. A worker configured without Redis uses the local
 * limiter with the whole limit.
 *
 * <p><b>Teams.</b> A call that names its team ({@link #admit(String, String, String, String,
 * long)}) first takes turns of its team's own buckets ({@link TeamTurns}): the team's quotas, and
 * its weighted share of the provider's limit among the teams waiting for it on any worker ({@link
 * FairShare}). It sleeps until {@link #FAIR_HORIZON} before its share turn and only then reserves
 * the provider's turn, so that the provider's buckets never hold more than about that much of one
 * team's reservations ahead of a team that arrives later; a call whose share turn is further than
 * that takes a provider turn that is free now instead, if there is one (so that a share nobody uses
 * is not lost). A team turn further away than the in-place wait is refused like a provider turn
 * ({@code RATE_LIMITED}, the job is parked), and team turns whose call is not made are given back.
 */
public final class RateLimiter implements CallGuard.OfWholeCall, AutoCloseable {

  /** Every limit is per minute. */
  static final long PERIOD_MICROS = 60_000_000L;

  /**
   * How long before its team's turn a call reserves the provider's: the most of its reservations a
   * team that has waited for its turn can hold in the provider's buckets ahead of another team.
   */
  static final Duration FAIR_HORIZON = Duration.ofSeconds(1);

  /** How long a 429 without a Retry-After holds the provider. */
  static final Duration DEFAULT_HOLD = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);

  private final Function<String, ProviderLimits> limits;
  private final RateLimiterSettings settings;
  private final RedisBucketStore redis;
  private final String workerId = UUID.randomUUID().toString();
  private final Thread heartbeat;
  private final Map<String, Buckets> buckets = new ConcurrentHashMap<>();
  private final FairShare fair;
  private final TeamTurns teams;
  private final LongAdder admitted = new LongAdder();
  private final LongAdder waited = new LongAdder();
  private final LongAdder waitedMicros = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final LongAdder holds = new LongAdder();
  private final LongAdder fallbacks = new LongAdder();
  private final LongAdder recoveries = new LongAdder();

  /** The store in use; replaced (under {@code this}) only when Redis is lost or comes back. */
  private volatile BucketStore store;

  private volatile boolean degraded;
  private volatile long liveWorkers = 1;
  private volatile boolean closed;

  private RateLimiter(
      Function<String, ProviderLimits> limits,
      TeamQuotas quotas,
      RateLimiterSettings settings,
      RedisBucketStore redis) {
    this.limits = limits;
    this.settings = settings;
    this.redis = redis;
    this.fair = new FairShare(quotas, System::nanoTime, teamTtl(settings).toNanos());
    this.teams = new TeamTurns(quotas, fair, settings.keyPrefix(), settings.fairShare());
    if (redis == null) {
      this.store = new LocalBucketStore(1, false, RateLimiter::nowMicros, capacityMicros(settings));
      this.heartbeat = null;
    } else {
      this.store = redis;
      beat();
      this.heartbeat = Thread.ofVirtual().name("ratelimit-heartbeat").start(this::heartbeats);
    }
  }

  /** Limits shared through Redis, with the limits the catalog gives each provider. */
  public static RateLimiter shared(
      UnifiedJedis redis, ModelCatalog catalog, RateLimiterSettings settings) {
    return shared(redis, fromCatalog(catalog), new TeamQuotas(), settings);
  }

  /**
   * Limits shared through Redis, with the limits the catalog gives each provider and the teams'
   * quotas and weights in {@code quotas}.
   */
  public static RateLimiter shared(
      UnifiedJedis redis, ModelCatalog catalog, TeamQuotas quotas, RateLimiterSettings settings) {
    return shared(redis, fromCatalog(catalog), quotas, settings);
  }

  /** Limits shared through Redis; {@code limits} gives each provider's limits. */
  public static RateLimiter shared(
      UnifiedJedis redis, Function<String, ProviderLimits> limits, RateLimiterSettings settings) {
    return shared(redis, limits, new TeamQuotas(), settings);
  }

  /** Limits shared through Redis; {@code limits} gives each provider's limits. */
  public static RateLimiter shared(
      UnifiedJedis redis,
      Function<String, ProviderLimits> limits,
      TeamQuotas quotas,
      RateLimiterSettings settings) {
    return new RateLimiter(
        limits, quotas, settings, new RedisBucketStore(redis, capacityMicros(settings)));
  }

  /** Limits kept in this JVM only, for a worker without Redis: it has the whole limit to itself. */
  public static RateLimiter local(ModelCatalog catalog, RateLimiterSettings settings) {
    return local(catalog, new TeamQuotas(), settings);
  }

  /** Limits kept in this JVM only, with the teams' quotas and weights in {@code quotas}. */
  public static RateLimiter local(
      ModelCatalog catalog, TeamQuotas quotas, RateLimiterSettings settings) {
    return new RateLimiter(fromCatalog(catalog), quotas, settings, null);
  }

  /** Limits kept in this JVM only; {@code limits} gives each provider's limits. */
  public static RateLimiter local(
      Function<String, ProviderLimits> limits, RateLimiterSettings settings) {
    return new RateLimiter(limits, new TeamQuotas(), settings, null);
  }

  private static Function<String, ProviderLimits> fromCatalog(ModelCatalog catalog) {
    Map<String, ProviderLimits> byProvider = new ConcurrentHashMap<>();
    for (ProviderSpec p : catalog.providers()) {
      byProvider.put(p.name(), ProviderLimits.of(p));
    }
    return name -> byProvider.getOrDefault(name, ProviderLimits.UNLIMITED);
  }

  /**
   * Takes the team's turns first, then the provider's, and the key's too in the same atomic
   * reservation when the provider has per-key limits: the team's quota turn, waited for whole; then
   * its share turn, waited for until {@link #FAIR_HORIZON} before it — unless a provider turn is
   * free meanwhile (looked for once a horizon), which the call takes, giving its share turn back.
   * The team turns are given back when the call is not made.
   */
  @Override
  public Permit admit(
      String team, String provider, String model, String keyId, long estimatedTokens)
      throws InterruptedException, CallRefused {
    Buckets b = buckets(provider);
    long maxWait = settings.maxInPlaceWait().toNanos() / 1000;
    TeamTurns.Turn turn =
        team == null
            ? TeamTurns.Turn.NONE
            : teams.turn(team, provider, b.requestInterval, b.tokenInterval, estimatedTokens);
    List<Draw> taken = new ArrayList<>();
    try {
      Reservation quota =
          teamTurn(turn.hold(), turn.quota(), maxWait, "quota of team " + team, taken);
      long slept = sleepBefore(quota.waitMicros(), 0);
      Reservation share =
          teamTurn(
              turn.hold(),
              turn.share(),
              maxWait - slept,
              "share of team " + team + " in provider " + provider + "'s limit",
              taken);
      long horizon = FAIR_HORIZON.toNanos() / 1000;
      // While the share turn is further than the horizon, a provider turn free now is taken
      // instead, looked for once a horizon.
      for (long left = share.waitMicros(); left > horizon; ) {
        Grant free = providerTurn(b, keyId, estimatedTokens, 0, turn.withoutShare(), true);
        if (free != null) {
          taken.removeAll(turn.share());
          settleTeam(turn.hold(), TeamTurns.Turn.refund(turn.share()));
          return new Permit(provider, model, estimatedTokens, free);
        }
        long nap = sleepBefore(Math.min(left - horizon, horizon), 0);
        slept += nap;
        left -= nap;
      }
      Grant grant =
          providerTurn(b, keyId, estimatedTokens, Math.max(0, maxWait - slept), turn, false);
      return new Permit(provider, model, estimatedTokens, grant);
    } catch (CallRefused | InterruptedException | RuntimeException e) {
      settleTeam(turn.hold(), TeamTurns.Turn.refund(taken));
      throw e;
    }
  }

  /** Reserves {@code draws} on the team's buckets, adding them to {@code taken}, or refuses. */
  private Reservation teamTurn(
      String hold, List<Draw> draws, long maxWait, String what, List<Draw> taken)
      throws CallRefused {
    if (draws.isEmpty()) {
      return new Reservation(true, 0);
    }
    Reservation r = withStore(s -> s.reserve(hold, draws, Math.max(0, maxWait)));
    if (!r.granted()) {
      throw refusal(what, r.waitMicros());
    }
    taken.addAll(draws);
    return r;
  }

  /**
   * Sleeps until {@code earlyMicros} before a turn {@code waitMicros} away; returns the µs slept.
   */
  private long sleepBefore(long waitMicros, long earlyMicros) throws InterruptedException {
    long sleep = waitMicros - earlyMicros;
    if (sleep <= 0) {
      return 0;
    }
    waited.increment();
    waitedMicros.add(sleep);
    Thread.sleep(Duration.ofNanos(sleep * 1000));
    return sleep;
  }

  /**
   * Reserves the provider's (and the key's) turn, waiting for it, and returns what the permit
   * carries to the call's end.
   *
   * @param ifFree only a turn free now (no wait): null instead of a refusal when there is none
   */
  private Grant providerTurn(
      Buckets b,
      String keyId,
      long estimatedTokens,
      long maxWait,
      TeamTurns.Turn turn,
      boolean ifFree)
      throws InterruptedException, CallRefused {
    String provider = b.provider;
    Buckets key = keyBuckets(provider, keyId);
    List<Draw> draws = new ArrayList<>(4);
    for (Buckets each : key == null ? List.of(b) : List.of(b, key)) {
      if (each.requestInterval > 0) {
        draws.add(new Draw(each.requests, each.requestInterval, 1));
      }
      if (each.tokenInterval > 0 && estimatedTokens > 0) {
        draws.add(new Draw(each.tokens, each.tokenInterval, estimatedTokens));
      }
    }
    Reservation r = withStore(s -> s.reserve(b.hold, draws, maxWait));
    if (!r.granted()) {
      if (ifFree) {
        return null;
      }
      throw refusal(
          "rate limit of provider " + provider + (key == null ? "" : " or its key " + keyId),
          r.waitMicros());
    }
    sleepBefore(r.waitMicros(), 0);
    admitted.increment();
    return new Grant(key, turn);
  }

  private CallRefused refusal(String what, long waitMicros) {
    refused.increment();
    Duration retryAfter = Duration.ofNanos(waitMicros * 1000);
    return new CallRefused(
        ErrorCode.RATE_LIMITED,
        what
            + ": the next turn is in "
            + retryAfter.toMillis()
            + " ms, longer than the "
            + settings.maxInPlaceWait().toMillis()
            + " ms a call waits in place",
        retryAfter);
  }

  @Override
  public void completed(Permit permit, Usage usage, RateLimits said, Duration latency) {
    RateLimits l = said == null ? RateLimits.UNKNOWN : said;
    long delta = usage.totalTokens() - (permit.reservedTokens() > 0 ? permit.reservedTokens() : 0);
    settle(permit, l.retryAfter(), adjustments(permit, delta, l));
    settleTeam(permit, delta);
  }

  @Override
  public void failed(Permit permit, ProviderException error, Duration latency) {
    // A failed call produced no output; its reservation goes back.
    long delta = permit.reservedTokens() > 0 ? -permit.reservedTokens() : 0;
    Duration hold = error.retryAfter();
    if (hold == null && error.code() == ErrorCode.RATE_LIMITED) {
      hold = DEFAULT_HOLD;
    }
    settle(permit, hold, adjustments(permit, delta, error.rateLimits()));
    settleTeam(permit, delta);
  }

  /** Charges or refunds {@code tokenDelta} on the token buckets of the call's team. */
  private void settleTeam(Permit permit, long tokenDelta) {
    if (permit.state() instanceof Grant g && !g.team().isEmpty()) {
      settleTeam(g.team().hold(), g.team().tokens(tokenDelta));
    }
  }

  private void settleTeam(String hold, List<Adjust> adjusts) {
    if (adjusts.isEmpty()) {
      return;
    }
    withStore(
        s -> {
          s.settle(hold, 0, adjusts);
          return null;
        });
  }

  /**
   * The corrections after a call: {@code tokenDelta} on every token bucket the call drew on, and
   * what the provider says remains on the buckets it speaks for — the key's when the call drew on
   * one (the provider's headers describe the quota of the key that called), else the provider's.
   */
  private List<Adjust> adjustments(Permit permit, long tokenDelta, RateLimits l) {
    Buckets b = buckets(permit.provider());
    Buckets key = permit.state() instanceof Grant g ? g.key() : null;
    List<Adjust> adjusts = new ArrayList<>(4);
    for (Buckets each : key == null ? List.of(b) : List.of(b, key)) {
      boolean speaksFor = key == null || each == key;
      if (each.requestInterval > 0 && speaksFor && l.remainingRequests() != null) {
        adjusts.add(new Adjust(each.requests, each.requestInterval, 0, l.remainingRequests()));
      }
      if (each.tokenInterval > 0) {
        long remaining = speaksFor && l.remainingTokens() != null ? l.remainingTokens() : -1;
        if (tokenDelta != 0 || remaining >= 0) {
          adjusts.add(new Adjust(each.tokens, each.tokenInterval, tokenDelta, remaining));
        }
      }
    }
    return adjusts;
  }

  /** True while Redis is unavailable and this worker limits itself to its fair share. */
  public boolean degraded() {
    return degraded;
  }

  public RateLimiterStats stats() {
    return new RateLimiterStats(
        degraded,
        liveWorkers,
        admitted.sum(),
        waited.sum(),
        waitedMicros.sum() / 1000,
        refused.sum(),
        holds.sum(),
        fallbacks.sum(),
        recoveries.sum());
  }

  @Override
  public void close() {
    closed = true;
    if (heartbeat != null) {
      heartbeat.interrupt();
      try {
        redis.leave(workersKey(), workerId);
      } catch (JedisException e) {
        log.debug("could not remove worker {} from the live workers: {}", workerId, e.toString());
      }
    }
  }

  private void settle(Permit permit, Duration hold, List<Adjust> adjusts) {
    Buckets b = buckets(permit.provider());
    long holdMicros = hold == null || hold.isNegative() ? 0 : hold.toNanos() / 1000;
    if (holdMicros == 0 && adjusts.isEmpty()) {
      return;
    }
    if (holdMicros > 0) {
      holds.increment();
    }
    List<Adjust> all = new ArrayList<>(adjusts);
    if (holdMicros > 0) {
      // Every bucket of the provider is emptied as of the hold, not only the ones the provider
      // mentioned.
      if (b.requestInterval > 0 && all.stream().noneMatch(a -> a.key().equals(b.requests))) {
        all.add(new Adjust(b.requests, b.requestInterval, 0, -1));
      }
      if (b.tokenInterval > 0 && all.stream().noneMatch(a -> a.key().equals(b.tokens))) {
        all.add(new Adjust(b.tokens, b.tokenInterval, 0, -1));
      }
      if (permit.state() instanceof Grant g && g.key() != null) {
        Buckets key = g.key();
        if (key.requestInterval > 0 && all.stream().noneMatch(a -> a.key().equals(key.requests))) {
          all.add(new Adjust(key.requests, key.requestInterval, 0, -1));
        }
        if (key.tokenInterval > 0 && all.stream().noneMatch(a -> a.key().equals(key.tokens))) {
          all.add(new Adjust(key.tokens, key.tokenInterval, 0, -1));
        }
      }
    }
    withStore(
        s -> {
          s.settle(b.hold, holdMicros, all);
          return null;
        });
  }

  /**
   * Runs {@code op} on Redis, or on the local fair share when Redis is (or just became)
   * unavailable: unreachable, or refusing the scripts' writes at {@code maxmemory}.
   */
  private <T> T withStore(Function<BucketStore, T> op) {
    BucketStore s = store;
    if (s != redis) {
      return op.apply(s);
    }
    try {
      return op.apply(s);
    } catch (JedisException e) {
      if (!RedisAvailability.unavailable(e)) {
        throw e;
      }
      return op.apply(fallBack(e));
    }
  }

  private synchronized BucketStore fallBack(JedisException cause) {
    if (!degraded) {
      store =
          new LocalBucketStore(liveWorkers, true, RateLimiter::nowMicros, capacityMicros(settings));
      redis.bypass(true);
      degraded = true;
      fallbacks.increment();
      log.warn(
          "Redis is unavailable ({}): rate limits are now kept locally, at this worker's fair share of 1/{} "
              + "of each limit, until it answers again",
          cause.toString(),
          liveWorkers);
    }
    return store;
  }

  private synchronized void recovered(long workers) {
    if (degraded) {
      redis.bypass(false);
      store = redis;
      degraded = false;
      recoveries.increment();
      log.info(
          "Redis answers again: rate limits are shared through it again ({} live workers)",
          workers);
    }
  }

  private void heartbeats() {
    while (!closed) {
      try {
        Thread.sleep(settings.heartbeat());
      } catch (InterruptedException e) {
        return;
      }
      beat();
    }
  }

  private void beat() {
    long ttl = settings.heartbeat().toMillis() * 3;
    try {
      long workers = redis.heartbeat(workersKey(), workerId, ttl);
      liveWorkers = Math.max(1, workers);
      if (settings.fairShare()) {
        fair.heard(redis.teams(settings.keyPrefix() + "teams", fair.announced(), ttl));
      }
      recovered(workers);
    } catch (JedisException e) {
      if (RedisAvailability.unavailable(e)) {
        fallBack(e);
      } else {
        log.error("rate-limit heartbeat script failed: {}", e.toString());
      }
    }
  }

  /** How long a team counts as waiting after its last ask: three heartbeats, as a worker. */
  private static Duration teamTtl(RateLimiterSettings settings) {
    return settings.heartbeat().multipliedBy(3);
  }

  private String workersKey() {
    return settings.keyPrefix() + "workers";
  }

  private Buckets buckets(String provider) {
    return buckets.computeIfAbsent(
        provider, p -> new Buckets(settings.keyPrefix(), p, limits.apply(p)));
  }

  /**
   * The buckets of one API key of {@code provider}, by its id; null when the call names no key or
   * keys have no limits.
   */
  private Buckets keyBuckets(String provider, String keyId) {
    if (keyId == null) {
      return null;
    }
    ProviderLimits l = limits.apply(provider);
    if (!l.perKey()) {
      return null;
    }
    String prefix = settings.keyPrefix() + "{" + provider + "}:key:" + keyId + ":";
    return buckets.computeIfAbsent(
        provider + "#" + keyId,
        k ->
            new Buckets(
                provider,
                prefix + "requests",
                Buckets.interval(l.requestsPerMinutePerKey()),
                prefix + "tokens",
                Buckets.interval(l.tokensPerMinutePerKey()),
                settings.keyPrefix() + "{" + provider + "}:hold"));
  }

  /**
   * A bucket's capacity in refill time: a minute, less the headroom. The headroom comes off the
   * burst, not the rate: the buckets refill at the provider's own rate, so the units kept back stay
   * in the provider's bucket as slack for calls that reach it out of order, and are not given up
   * again every minute.
   */
  private static long capacityMicros(RateLimiterSettings settings) {
    return Math.round(PERIOD_MICROS * (1 - settings.headroom()));
  }

  private static long nowMicros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
  }

  /**
   * What a permit carries to the call's end: the key's buckets it drew on (null: none), and its
   * team's turn.
   */
  private record Grant(Buckets key, TeamTurns.Turn team) {}

  /** One provider's keys and refill intervals (0 = unlimited). */
  private record Buckets(
      String provider,
      String requests,
      long requestInterval,
      String tokens,
      long tokenInterval,
      String hold) {
    Buckets(String prefix, String provider, ProviderLimits l) {
      this(
          provider,
          prefix + "{" + provider + "}:requests",
          interval(l.requestsPerMinute()),
          prefix + "{" + provider + "}:tokens",
          interval(l.tokensPerMinute()),
          prefix + "{" + provider + "}:hold");
    }

    private static long interval(long perMinute) {
      // Rounded up, so that the limiter never refills faster than the provider.
      return TeamTurns.interval(perMinute);
    }
  }
}
