package io.promptyard.worker.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.catalog.Usage;
import io.promptyard.providers.ProviderException;
import io.promptyard.providers.RateLimits;
import io.promptyard.schemas.CircuitState;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.ProviderHealth;
import io.promptyard.worker.guard.CallGuard;
import io.promptyard.worker.guard.CallRefused;
import io.promptyard.worker.guard.Permit;
import io.promptyard.worker.job.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When circuits open, refuse, half-open and close, and what they say about a provider's health. */
class CircuitBreakerGuardTest {

  private static final Duration OPEN_WAIT = Duration.ofMillis(300);
  private static final Usage USAGE = new Usage(10, 5, 0, 0);

  /** The breakers' time, moved by the tests: an open circuit's wait passes when they say so. */
  private final TestClock clock = new TestClock(Instant.parse("2026-03-01T09:00:00Z"));

  private final CircuitBreakerGuard guard = guard(false);

  /** Opens at 50% failures over 4 calls, waits {@link #OPEN_WAIT}, lets one trial call through. */
  private CircuitBreakerGuard guard(boolean perModel) {
    return new CircuitBreakerGuard(
        new BreakerSettings(50, 4, Duration.ofSeconds(30), OPEN_WAIT, 1, perModel), clock);
  }

  /** Lets an open circuit's wait pass. */
  private void openWaitPasses() {
    clock.advance(OPEN_WAIT.plusMillis(1));
  }

  @Test
  void providerSideFailuresOpenTheCircuitWhichThenRefusesWithoutAdmittingTheCall()
      throws Exception {
    for (ErrorCode code :
        List.of(
            ErrorCode.PROVIDER_ERROR,
            ErrorCode.TIMEOUT,
            ErrorCode.OVERLOADED,
            ErrorCode.CONNECTION)) {
      fail(guard, "sim", code);
    }

    assertThat(guard.states()).containsEntry("sim", CircuitState.OPEN);
    assertThatThrownBy(() -> guard.admit("sim", "sim-mini", 100))
        .isInstanceOfSatisfying(
            CallRefused.class,
            refused -> {
              assertThat(refused.code()).isEqualTo(ErrorCode.OVERLOADED);
              assertThat(refused.getMessage()).startsWith("circuit of sim is open");
              assertThat(refused.retryAfter())
                  .isPositive()
                  .isLessThanOrEqualTo(OPEN_WAIT.plus(OPEN_WAIT.dividedBy(2)));
            });
  }

  @Test
  void jobsRefusedByAnOpenCircuitAreToldToComeBackAtSpreadTimesNotAllAtOnce() throws Exception {
    for (int i = 0; i < 4; i++) {
      fail(guard, "sim", ErrorCode.TIMEOUT);
    }
    List<Duration> comeBack = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      try {
        guard.admit("sim", "sim-mini", 100);
      } catch (CallRefused refused) {
        comeBack.add(refused.retryAfter());
      }
    }

    assertThat(comeBack)
        .hasSize(50)
        .allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(OPEN_WAIT.plus(OPEN_WAIT.dividedBy(2))));
    Duration earliest = comeBack.stream().min(Duration::compareTo).orElseThrow();
    Duration latest = comeBack.stream().max(Duration::compareTo).orElseThrow();
    assertThat(latest.minus(earliest))
        .as("spread of the due times")
        .isGreaterThanOrEqualTo(OPEN_WAIT.dividedBy(4));
  }

  @Test
  void openCircuitLetsATrialCallThroughAfterTheWaitAndASuccessClosesIt() throws Exception {
    for (int i = 0; i < 4; i++) {
      fail(guard, "sim", ErrorCode.MALFORMED_RESPONSE);
    }
    assertThat(guard.states()).containsEntry("sim", CircuitState.OPEN);

    openWaitPasses();
    Permit trial = guard.admit("sim", "sim-mini", 100);

    assertThat(guard.states()).containsEntry("sim", CircuitState.HALF_OPEN);
    assertThatThrownBy(() -> guard.admit("sim", "sim-mini", 100))
        .as("the one trial call is in flight")
        .isInstanceOf(CallRefused.class);
    guard.completed(trial, USAGE, RateLimits.UNKNOWN, Duration.ofMillis(20));
    assertThat(guard.states()).containsEntry("sim", CircuitState.CLOSED);
  }

  @Test
  void oneAccountFailureOpensTheProvidersCircuitAtOnceAndASuccessfulTrialCallClosesIt()
      throws Exception {
    for (ErrorCode code : List.of(ErrorCode.AUTHENTICATION, ErrorCode.PERMISSION_DENIED)) {
      CircuitBreakerGuard fresh = guard(false);
      fresh.failed(
          fresh.admit("sim", "sim-mini", 100),
          new ProviderException(code, false, 401, "key revoked", null, null),
          Duration.ofMillis(10));

      assertThat(fresh.states()).as(code.name()).containsEntry("sim", CircuitState.OPEN);
      assertThatThrownBy(() -> fresh.admit("sim", "sim-mini", 100))
          .hasMessageStartingWith("circuit of sim is open: its account failed: " + code)
          .isInstanceOfSatisfying(
              CallRefused.class,
              refused -> {
                // the job needs another provider or an operator, not a later retry of this one
                assertThat(refused.code()).isEqualTo(code);
                assertThat(refused.retryable()).isFalse();
              });
      openWaitPasses();
      Permit trial = fresh.admit("sim", "sim-mini", 100);
      fresh.completed(trial, USAGE, RateLimits.UNKNOWN, Duration.ofMillis(20));
      assertThat(fresh.states()).containsEntry("sim", CircuitState.CLOSED);
    }
  }

  @Test
  void aMissingModelOpensOnlyThatModelsCircuit() throws Exception {
    CircuitBreakerGuard perModel = guard(true);
    perModel.failed(
        perModel.admit("sim", "sim-mini", 100),
        new ProviderException(ErrorCode.MODEL_NOT_FOUND, false, 404, "no such model", null, null),
        Duration.ofMillis(10));

    assertThat(perModel.states())
        .containsEntry("sim", CircuitState.CLOSED)
        .containsEntry("sim/sim-mini", CircuitState.OPEN);
    assertThatThrownBy(() -> perModel.admit("sim", "sim-mini", 100))
        .hasMessageStartingWith("circuit of sim/sim-mini is open: its model failed");
    assertThat(perModel.admit("sim", "sim-large", 100)).isNotNull();
  }

  @Test
  void clientErrorsAndRateLimitsNeverOpenTheCircuit() throws Exception {
    for (int i = 0; i < 20; i++) {
      for (ErrorCode code :
          List.of(
              ErrorCode.INVALID_REQUEST,
              ErrorCode.CONTEXT_TOO_LONG,
              ErrorCode.CONTENT_POLICY,
              ErrorCode.RATE_LIMITED)) {
        fail(guard, "sim", code);
      }
    }

    assertThat(guard.states()).containsEntry("sim", CircuitState.CLOSED);
    assertThat(guard.admit("sim", "sim-mini", 100)).isNotNull();
    assertThat(guard.health("sim")).get().satisfies(h -> assertThat(h.getErrorRate()).isZero());
  }

  @Test
  void callsRefusedByAnotherGuardOfTheChainAreNotCountedAgainstTheProvider() throws Exception {
    CallGuard refusing =
        new CallGuard() {
          @Override
          public Permit admit(String provider, String model, long tokens) throws CallRefused {
            throw new CallRefused(ErrorCode.RATE_LIMITED, "limit", Duration.ofSeconds(5));
          }

          @Override
          public void completed(Permit permit, Usage usage, RateLimits limits, Duration latency) {}

          @Override
          public void failed(Permit permit, ProviderException error, Duration latency) {}
        };
    CallGuard chain = CallGuard.allOf(guard, refusing);

    for (int i = 0; i < 10; i++) {
      assertThatThrownBy(() -> chain.admit("sim", "sim-mini", 100)).isInstanceOf(CallRefused.class);
    }

    assertThat(guard.states()).containsEntry("sim", CircuitState.CLOSED);
    assertThat(guard.health("sim")).get().satisfies(h -> assertThat(h.getErrorRate()).isZero());
  }

  @Test
  void aFailingModelOpensItsOwnCircuitWhileTheProvidersOtherModelsStayAvailable() throws Exception {
    CircuitBreakerGuard perModel = guard(true);
    for (int i = 0; i < 6; i++) {
      perModel.completed(
          perModel.admit("sim", "sim-large", 100), USAGE, RateLimits.UNKNOWN, Duration.ofMillis(5));
    }
    for (int i = 0; i < 4; i++) {
      perModel.failed(
          perModel.admit("sim", "sim-mini", 100),
          failure(ErrorCode.PROVIDER_ERROR),
          Duration.ofMillis(5));
    }

    assertThat(perModel.states())
        .containsEntry("sim", CircuitState.CLOSED)
        .containsEntry("sim/sim-mini", CircuitState.OPEN)
        .containsEntry("sim/sim-large", CircuitState.CLOSED);
    assertThatThrownBy(() -> perModel.admit("sim", "sim-mini", 100))
        .hasMessageStartingWith("circuit of sim/sim-mini is open");
    assertThat(perModel.admit("sim", "sim-large", 100)).isNotNull();
  }

  @Test
  void aFailingApiKeyOpensItsOwnCircuitAndRotationPassesOverItWhileTheOtherKeyServes()
      throws Exception {
    // 70%: the provider's circuit, which sees both keys' calls (half of them failing), stays closed
    CircuitBreakerGuard perKey =
        new CircuitBreakerGuard(
            new BreakerSettings(70, 4, Duration.ofSeconds(30), OPEN_WAIT, 1, false), clock);
    for (int i = 0; i < 4; i++) {
      perKey.failed(
          perKey.admit("sim", "sim-mini", "aaaaaaaaaaaa", 100),
          failure(ErrorCode.PROVIDER_ERROR),
          Duration.ofMillis(5));
      perKey.completed(
          perKey.admit("sim", "sim-mini", "bbbbbbbbbbbb", 100),
          USAGE,
          RateLimits.UNKNOWN,
          Duration.ofMillis(5));
    }

    assertThat(perKey.states())
        .containsEntry("sim", CircuitState.CLOSED)
        .containsEntry("sim#aaaaaaaaaaaa", CircuitState.OPEN)
        .containsEntry("sim#bbbbbbbbbbbb", CircuitState.CLOSED);
    assertThat(perKey.refusesKey("sim", "aaaaaaaaaaaa")).isTrue();
    assertThat(perKey.refusesKey("sim", "bbbbbbbbbbbb")).isFalse();
    assertThatThrownBy(() -> perKey.admit("sim", "sim-mini", "aaaaaaaaaaaa", 100))
        .hasMessageStartingWith("circuit of sim#aaaaaaaaaaaa is open");
    assertThat(perKey.admit("sim", "sim-mini", "bbbbbbbbbbbb", 100)).isNotNull();
    assertThat(perKey.health("sim#aaaaaaaaaaaa").orElseThrow().getProvider()).isEqualTo("sim");
  }

  @Test
  void healthCarriesErrorRateLatencyPercentilesAndTheLastRemainingQuota() throws Exception {
    for (int latency = 1; latency <= 100; latency++) {
      RateLimits limits =
          new RateLimits(
              1000L, 1000L - latency, null, 90_000L, 90_000L - latency * 10L, null, null);
      guard.completed(
          guard.admit("sim", "sim-mini", 100), USAGE, limits, Duration.ofMillis(latency * 10L));
    }
    for (int i = 0; i < 25; i++) {
      // A 503 without rate-limit headers must not erase the quota seen before.
      guard.failed(
          guard.admit("sim", "sim-mini", 100),
          failure(ErrorCode.OVERLOADED),
          Duration.ofMillis(10));
    }

    ProviderHealth h = guard.health("sim").orElseThrow();

    assertThat(h.getKey()).isEqualTo("sim");
    assertThat(h.getProvider()).isEqualTo("sim");
    assertThat(h.getModel()).isNull();
    assertThat(h.getErrorRate()).isEqualTo(0.2);
    // 125 calls: 25 failures of 10 ms and successes of 10, 20 … 1000 ms; the median is the 38th
    // success.
    assertThat(h.getLatencyP50Millis()).isBetween(370L, 390L);
    assertThat(h.getLatencyP99Millis()).isBetween(980L, 1010L);
    assertThat(h.getRemainingRequests()).isEqualTo(900L);
    assertThat(h.getRemainingTokens()).isEqualTo(89_000L);
    assertThat(h.getCircuitState()).isEqualTo(CircuitState.CLOSED);
  }

  @Test
  void transitionsAreAnnouncedWithTheCircuitKey() throws Exception {
    List<String> announced = new ArrayList<>();
    guard.onTransition(announced::add);

    for (int i = 0; i < 4; i++) {
      fail(guard, "sim", ErrorCode.PROVIDER_ERROR);
    }

    assertThat(announced).containsExactly("sim");
  }

  private static void fail(CallGuard guard, String provider, ErrorCode code) throws Exception {
    guard.failed(guard.admit(provider, "sim-mini", 100), failure(code), Duration.ofMillis(10));
  }

  private static ProviderException failure(ErrorCode code) {
    return new ProviderException(code, true, 500, "simulated " + code, null, null);
  }
}
