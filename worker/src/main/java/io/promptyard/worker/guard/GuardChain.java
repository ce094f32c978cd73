package io.promptyard.worker.guard;

import io.promptyard.catalog.Usage;
import io.promptyard.providers.ProviderException;
import io.promptyard.providers.RateLimits;
import io.promptyard.schemas.ErrorCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Several guards asked in order; see {@link CallGuard#allOf}. */
final class GuardChain implements CallGuard.OfWholeCall {

  private final List<CallGuard> guards;

  GuardChain(List<CallGuard> guards) {
    this.guards = List.copyOf(guards);
  }

  @Override
  public boolean refusesKey(String provider, String keyId) {
    return guards.stream().anyMatch(g -> g.refusesKey(provider, keyId));
  }

  @Override
  public Permit admit(
      String team, String provider, String model, String keyId, long estimatedTokens)
      throws InterruptedException, CallRefused {
    List<Permit> granted = new ArrayList<>(guards.size());
    try {
      for (CallGuard g : guards) {
        granted.add(g.admit(team, provider, model, keyId, estimatedTokens));
      }
    } catch (CallRefused | InterruptedException | RuntimeException e) {
      // The guards that admitted the call must not count it as in flight.
      ProviderException notMade =
          new ProviderException(
              ErrorCode.INTERNAL, true, null, "call refused before it was made", null, e);
      for (int i = 0; i < granted.size(); i++) {
        guards.get(i).failed(granted.get(i), notMade, Duration.ZERO);
      }
      throw e;
    }
    return new Permit(provider, model, estimatedTokens, List.copyOf(granted));
  }

  @Override
  public void completed(Permit permit, Usage usage, RateLimits limits, Duration latency) {
    List<Permit> parts = parts(permit);
    for (int i = 0; i < guards.size(); i++) {
      guards.get(i).completed(parts.get(i), usage, limits, latency);
    }
  }

  @Override
  public void failed(Permit permit, ProviderException error, Duration latency) {
    List<Permit> parts = parts(permit);
    for (int i = 0; i < guards.size(); i++) {
      guards.get(i).failed(parts.get(i), error, latency);
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Permit> parts(Permit chained) {
    return (List<Permit>) chained.state();
  }
}
