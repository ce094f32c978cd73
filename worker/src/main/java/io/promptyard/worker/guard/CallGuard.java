package io.promptyard.worker.guard;

import io.promptyard.catalog.Usage;
import io.promptyard.providers.ProviderException;
import io.promptyard.providers.RateLimits;
import java.time.Duration;

/**
 * What stands between a job and its provider call — shared rate limits, circuit breakers — asked
 * before every call and told how every call ended. Implementations are shared by all jobs of a
 * worker and must be thread-safe.
 */
public interface CallGuard {

  /**
   * Waits until the call may be made, or refuses it.
   *
   * @param estimatedTokens input plus expected output tokens, reserved against token limits
   * @return the permit to hand back to {@link #completed} or {@link #failed}
   * @throws CallRefused when the call must not be made now (an open circuit, or a wait longer than
   *     the guard will do in place)
   */
  Permit admit(String provider, String model, long estimatedTokens)
      throws InterruptedException, CallRefused;

  /**
   * Waits until the call may be made with the API key {@code keyId} (an {@code ApiKeyPool.keyId}),
   * or refuses it; guards that keep limits or circuits per key draw on that key's as well as the
   * provider's.
   *
   * @param keyId the key the call will use; null when the adapter picks it
   */
  default Permit admit(String provider, String model, String keyId, long estimatedTokens)
      throws InterruptedException, CallRefused {
    return admit(provider, model, estimatedTokens);
  }

  /**
   * Waits until the call of {@code team}'s job may be made with the API key {@code keyId}, or
   * refuses it; guards that keep quotas or shares per team draw on the team's as well.
   *
   * @param team the team whose job calls; null when none is known
   */
  default Permit admit(
      String team, String provider, String model, String keyId, long estimatedTokens)
      throws InterruptedException, CallRefused {
    return admit(provider, model, keyId, estimatedTokens);
  }

  /**
   * True when a call with the key {@code keyId} of {@code provider} would be refused now (its
   * circuit is open).
   */
  default boolean refusesKey(String provider, String keyId) {
    return false;
  }

  /**
   * The call answered; {@code usage} corrects the tokens reserved, {@code limits} is what the
   * provider said.
   */
  void completed(Permit permit, Usage usage, RateLimits limits, Duration latency);

  /** The call failed after it was admitted. */
  void failed(Permit permit, ProviderException error, Duration latency);

  /**
   * A guard that decides on the whole call, team and key included: a call with no team known, or no
   * key named, is that call with a null team or key.
   */
  interface OfWholeCall extends CallGuard {

    @Override
    default Permit admit(String provider, String model, long estimatedTokens)
        throws InterruptedException, CallRefused {
      return admit(provider, model, null, estimatedTokens);
    }

    @Override
    default Permit admit(String provider, String model, String keyId, long estimatedTokens)
        throws InterruptedException, CallRefused {
      return admit(null, provider, model, keyId, estimatedTokens);
    }

    @Override
    Permit admit(String team, String provider, String model, String keyId, long estimatedTokens)
        throws InterruptedException, CallRefused;
  }

  /** A guard that admits everything at once. */
  CallGuard NONE =
      new CallGuard() {
        @Override
        public Permit admit(String provider, String model, long estimatedTokens) {
          return new Permit(provider, model, estimatedTokens);
        }

        @Override
        public void completed(Permit permit, Usage usage, RateLimits limits, Duration latency) {}

        @Override
        public void failed(Permit permit, ProviderException error, Duration latency) {}
      };

  /**
   * Guards asked in order: each must admit; a refusal by a later one fails the permits of the
   * earlier ones.
   */
  static CallGuard allOf(CallGuard... guards) {
    return new GuardChain(java.util.List.of(guards));
  }
}
