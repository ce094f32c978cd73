package io.promptyard.worker.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.catalog.Usage;
import io.promptyard.providers.ProviderException;
import io.promptyard.providers.RateLimits;
import io.promptyard.worker.guard.CallGuard;
import io.promptyard.worker.guard.Permit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which API key each call uses. */
class KeyRotationTest {

  private final KeyRotation rotation = new KeyRotation();

  @Test
  void callsTakeTheKeysInTurnAndPassOverAKeyTheGuardRefuses() {
    List<String> keys = List.of("k1", "k2", "k3");
    List<String> chosen = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      chosen.add(rotation.choose("sim", keys, CallGuard.NONE));
    }
    CallGuard k2Open = refusing(Set.of("k2"));
    for (int i = 0; i < 4; i++) {
      chosen.add(rotation.choose("sim", keys, k2Open));
    }

    assertThat(chosen).containsExactly("k1", "k2", "k3", "k1", "k3", "k3", "k1");
  }

  @Test
  void aProviderWithoutKeysLeavesTheChoiceToTheAdapterAndAllKeysRefusedStillGivesOne() {
    assertThat(rotation.choose("local", List.of(), CallGuard.NONE)).isNull();
    assertThat(rotation.choose("sim", List.of("k1", "k2"), refusing(Set.of("k1", "k2"))))
        .isIn("k1", "k2");
  }

  private static CallGuard refusing(Set<String> keys) {
    return new CallGuard() {
      @Override
      public Permit admit(String provider, String model, long estimatedTokens) {
        return new Permit(provider, model, estimatedTokens);
      }

      @Override
      public boolean refusesKey(String provider, String keyId) {
        return keys.contains(keyId);
      }

      @Override
      public void completed(Permit permit, Usage usage, RateLimits limits, Duration latency) {}

      @Override
      public void failed(Permit permit, ProviderException error, Duration latency) {}
    };
  }
}
