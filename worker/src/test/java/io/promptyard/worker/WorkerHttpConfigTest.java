package io.promptyard.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.schemas.config.ConfigException;
import io.promptyard.schemas.config.Settings;
import io.promptyard.schemas.http.Access;
import io.promptyard.schemas.http.HttpTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
  void metricsAreOpenByDefaultAndNeedTheTokenFromTheEnvironmentOrAFile(@TempDir Path dir)
      throws Exception {
    String token = "worker-0123456789abcdef";
    Path file = Files.writeString(dir.resolve("token"), token + "\n");
    Map<String, String> fromEnv = Map.of("PROMPTYARD_WORKER_HTTP_TOKEN", token);
    Map<String, String> fromFile = Map.of("PROMPTYARD_WORKER_HTTP_TOKEN_FILE", file.toString());

    assertThat(WorkerConfig.from(new Settings(Map.of()), Map.of()).operations().httpTokens())
        .isSameAs(HttpTokens.NONE);
    for (Map<String, String> env : List.of(fromEnv, fromFile)) {
      HttpTokens tokens = WorkerConfig.from(new Settings(env), env).operations().httpTokens();
      assertThat(tokens.access(null)).isEmpty();
      assertThat(tokens.access("Bearer " + token)).contains(Access.FULL);
    }
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
