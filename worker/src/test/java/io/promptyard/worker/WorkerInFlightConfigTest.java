package io.promptyard.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.schemas.config.ConfigException;
import io.promptyard.schemas.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How many jobs of one provider topic a worker runs at once. */
class WorkerInFlightConfigTest {

  @Test
  void inFlightLimitDefaultsToWhatTheConsumersTakeInOnePollEach() {
    Map<String, String> env =
        Map.of("PROMPTYARD_WORKER_CONSUMERS", "6", "PROMPTYARD_WORKER_MAX_POLL_RECORDS", "100");

    assertThat(WorkerConfig.from(new Settings(env), env).maxInFlight()).isEqualTo(600);
  }

  @Test
  void inFlightLimitIsReadFromItsKey() {
    Map<String, String> env =
        Map.of(
            "PROMPTYARD_WORKER_CONSUMERS",
            "44",
            "PROMPTYARD_WORKER_MAX_POLL_RECORDS",
            "100",
            "PROMPTYARD_WORKER_MAX_IN_FLIGHT",
            "2200");

    assertThat(WorkerConfig.from(new Settings(env), env).maxInFlight()).isEqualTo(2200);
  }

  @Test
  void inFlightLimitSmallerThanOnePollIsRejectedNamingTheKey() {
    Map<String, String> env =
        Map.of(
            "PROMPTYARD_WORKER_MAX_POLL_RECORDS", "250", "PROMPTYARD_WORKER_MAX_IN_FLIGHT", "100");

    assertThatThrownBy(() -> WorkerConfig.from(new Settings(env), env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PROMPTYARD_WORKER_MAX_IN_FLIGHT=100")
        .hasMessageContaining("PROMPTYARD_WORKER_MAX_POLL_RECORDS");
  }
}
