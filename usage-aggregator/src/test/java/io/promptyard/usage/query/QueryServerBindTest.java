package io.promptyard.usage.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.config.Settings;
import io.promptyard.schemas.http.HttpTokens;
import io.promptyard.usage.AggregatorConfig;
import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the aggregator's query API, dashboard, /metrics and /health listen. */
class QueryServerBindTest {

  @Test
  void theBindAddressIsReadFromItsKeyAndEveryInterfaceByDefault() {
    assertThat(AggregatorConfig.from(new Settings(Map.of())).httpBind()).isEqualTo("0.0.0.0");
    assertThat(
            AggregatorConfig.from(new Settings(Map.of("PROMPTYARD_USAGE_HTTP_BIND", "127.0.0.1")))
                .httpBind())
        .isEqualTo("127.0.0.1");
  }

  @Test
  void theServerListensOnTheGivenAddressOnly() {
    try (QueryServer server =
        QueryServer.start(
            "127.0.0.1",
            0,
            HttpTokens.NONE,
            () -> "",
            () -> new QueryServer.Health(true, "RUNNING"))) {
      assertThat(server.address().getAddress()).isEqualTo(InetAddress.getLoopbackAddress());
      assertThat(server.address().getAddress().isAnyLocalAddress()).isFalse();
      assertThat(server.port()).isPositive();
    }
  }

  @Test
  void theServerListensOnEveryInterfaceByDefault() {
    try (QueryServer server =
        QueryServer.start(0, () -> "", () -> new QueryServer.Health(true, "RUNNING"))) {
      assertThat(server.address().getAddress().isAnyLocalAddress()).isTrue();
    }
  }
}
