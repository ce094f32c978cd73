package io.promptyard.worker.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.promptyard.catalog.ProviderSpec;
import io.promptyard.providers.ApiKeyPool;
import io.promptyard.providers.ChatProvider;
import io.promptyard.providers.ChatProviders;
import io.promptyard.providers.KeyCheck;
import io.promptyard.schemas.CircuitState;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.KeyCheckStatus;
import io.promptyard.schemas.ProviderHealth;
import io.promptyard.schemas.ProviderKeyStatus;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.testkit.provider.SimulatedProvider;
import io.promptyard.testkit.provider.SimulatorConfig;
import io.promptyard.worker.guard.CallRefused;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The key check a worker runs at start, against the simulated provider (which takes one Bearer key
 * and serves {@code GET /v1/models}): each key's status in the log's terms, {@code /health} and the
 * provider-health topic, and the circuit of a provider with no usable key opened.
 */
class StartupKeyCheckTest {

  static final String GOOD = "sk-sim-good-" + "K3y".repeat(8);
  static final String BAD = "sk-sim-revoked-" + "R3v".repeat(8);

  private final Clock clock = Clock.fixed(Instant.parse("2026-12-06T18:00:00Z"), ZoneOffset.UTC);
  private final SimulatedProvider sim =
      SimulatedProvider.start(SimulatorConfig.defaults().withApiKey(GOOD));
  private final Map<String, ChatProvider> adapters = new ConcurrentHashMap<>();
  private final CircuitBreakerGuard breakers =
      new CircuitBreakerGuard(
          new BreakerSettings(50, 4, Duration.ofSeconds(30), Duration.ofMinutes(1), 1, false),
          clock);
  private StartupKeyCheck check;

  @AfterEach
  void stop() {
    if (check != null) {
      check.close();
    }
    adapters.values().forEach(ChatProvider::close);
    sim.close();
  }

  private ChatProvider adapter(String provider) {
    Map<String, String> env =
        Map.of("SIM_KEY_GOOD", GOOD, "SIM_KEY_BAD", BAD, "SIM_KEY_BAD_2", BAD + "-2");
    List<String> vars =
        switch (provider) {
          case "mixed" -> List.of("SIM_KEY_GOOD", "SIM_KEY_BAD");
          case "revoked" -> List.of("SIM_KEY_BAD", "SIM_KEY_BAD_2");
          default -> List.of("SIM_KEY_UNSET");
        };
    ProviderSpec spec =
        new ProviderSpec(provider, "openai-compatible", sim.baseUrl(), vars, null, true);
    return adapters.computeIfAbsent(provider, p -> ChatProviders.create(spec, env));
  }

  private Map<String, List<KeyCheck>> checked(List<String> providers) {
    // as the worker does: every provider's circuit is published from the start
    providers.forEach(breakers::track);
    check =
        StartupKeyCheck.start(providers, this::adapter, breakers, Duration.ofSeconds(20), clock);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> check.results().keySet().containsAll(providers));
    return check.results();
  }

  @Test
  void aRefusedKeyIsReportedByIdAndTakenOutOfRotationWhileTheGoodKeyServes() {
    providers("mixed");

    List<KeyCheck> mixed = check.results().get("mixed");
    assertThat(mixed)
        .extracting(KeyCheck::keyId, KeyCheck::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(ApiKeyPool.keyId(GOOD), KeyCheck.Status.VALID),
            org.assertj.core.groups.Tuple.tuple(ApiKeyPool.keyId(BAD), KeyCheck.Status.REFUSED));
    assertThat(adapters.get("mixed").keyIds()).containsExactly(ApiKeyPool.keyId(GOOD));
    assertThat(breakers.states()).containsEntry("mixed", CircuitState.CLOSED);
    assertThat(sim.requestsServed()).as("a key check is not a completion").isZero();
  }

  @Test
  void aProviderWithNoUsableKeyHasItsCircuitOpenedSoJobsFallBack() throws Exception {
    providers("revoked", "unset");

    assertThat(check.results().get("revoked"))
        .extracting(KeyCheck::status)
        .containsOnly(KeyCheck.Status.REFUSED);
    assertThat(check.results().get("unset"))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.status()).isEqualTo(KeyCheck.Status.NOT_CONFIGURED);
              assertThat(c.detail()).contains("SIM_KEY_UNSET");
            });
    assertThat(breakers.states())
        .containsEntry("revoked", CircuitState.OPEN)
        .containsEntry("unset", CircuitState.OPEN);
    CallRefused refused =
        catchThrowableOfType(CallRefused.class, () -> breakers.admit("revoked", "sim-mini", 10));
    assertThat(refused.code()).isEqualTo(ErrorCode.AUTHENTICATION);
  }

  @Test
  void healthJsonAndTheHealthTopicCarryKeyIdsAndStatusesButNeverAKey() {
    providers("mixed", "revoked");

    String json =
        WorkerHttpServer.healthJson(WorkerHttpServer.Status.UP, breakers.states(), check.results());
    assertThat(json)
        .startsWith("{\"status\":\"UP\",\"providers\":{")
        .contains(
            "\"keys\":{\"mixed\":[{\"keyId\":\""
                + ApiKeyPool.keyId(GOOD)
                + "\",\"status\":\"VALID\"")
        .contains("\"keyId\":\"" + ApiKeyPool.keyId(BAD) + "\",\"status\":\"REFUSED\"")
        .doesNotContain(GOOD, BAD);

    MockProducer<String, byte[]> producer =
        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    try (HealthPublisher publisher =
        HealthPublisher.start(
            breakers, check::statuses, producer, "provider-health", Duration.ofHours(1))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() >= 2);
    }
    AvroSerde<ProviderHealth> serde = AvroSerde.of(ProviderHealth.class);
    Map<String, ProviderHealth> published = new ConcurrentHashMap<>();
    producer.history().forEach(r -> published.put(r.key(), serde.decode(r.value())));
    assertThat(published.get("revoked").getKeys())
        .extracting(ProviderKeyStatus::getStatus)
        .containsOnly(KeyCheckStatus.REFUSED);
    assertThat(published.get("mixed").getKeys())
        .extracting(ProviderKeyStatus::getKeyId)
        .containsExactly(ApiKeyPool.keyId(GOOD), ApiKeyPool.keyId(BAD));
    producer
        .history()
        .forEach(
            r ->
                assertThat(new String(r.value(), java.nio.charset.StandardCharsets.ISO_8859_1))
                    .doesNotContain(GOOD, BAD));
  }

  private void providers(String... names) {
    checked(List.of(names));
  }
}
