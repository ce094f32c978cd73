package io.promptyard.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.schemas.config.ConfigException;
import io.promptyard.schemas.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the worker's /metrics and /health listen, and how many teams its metrics label. */
class WorkerHttpConfigTest {

  @Test
  void httpListensOnEveryInterfaceAndMetricsLabelAHundredTeamsByDefault() {
    WorkerConfig.Operations ops = WorkerConfig.from(new Settings(Map.of()), Map.of()).operations();

    assertThat(ops.httpBind()).isEqualTo("0.0.0.0");
    assertThat(ops.maxTeamLabels()).isEqualTo(100);
  }

  @Test
  void bindAddressAndTeamLabelsAreReadFromTheirKeys() {
    Map<String, String> env =
        Map.of(
            "PROMPTYARD_WORKER_HTTP_BIND", "127.0.0.1", "PROMPTYARD_WORKER_METRICS_MAX_TEAMS", "7");

    WorkerConfig.Operations ops = WorkerConfig.from(new Settings(env), env).operations();

    assertThat(ops.httpBind()).isEqualTo("127.0.0.1");
    assertThat(ops.maxTeamLabels()).isEqualTo(7);
  }

  @Test
  void anAddressThatIsNotOneIsRejectedNamingTheKey() {
    Map<String, String> env = Map.of("PROMPTYARD_WORKER_HTTP_BIND", "no such host.invalid");

    assertThatThrownBy(() -> WorkerConfig.from(new Settings(env), env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PROMPTYARD_WORKER_HTTP_BIND=no such host.invalid");
  }

  @Test
  void aNegativeTeamLabelLimitIsRejectedNamingTheKey() {
    Map<String, String> env = Map.of("PROMPTYARD_WORKER_METRICS_MAX_TEAMS", "-1");

    assertThatThrownBy(() -> WorkerConfig.from(new Settings(env), env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PROMPTYARD_WORKER_METRICS_MAX_TEAMS=-1");
  }
}
