package io.promptyard.systemtests;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.dev.DevStack;
import io.promptyard.testkit.provider.SimulatorConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A catalog with two entries for the one simulator: {@code replaygood} sends the key the simulator
 * accepts, {@code replaystale} a revoked one, whose jobs end as AUTHENTICATION dead letters for a
 * replay to send to {@code replaygood}.
 */
final class ReplayCatalog {

  static final String GOOD = "replaygood";
  static final String STALE = "replaystale";

  private ReplayCatalog() {}

  /** Writes the catalog to {@code dir}/catalog.yaml. */
  static Path write(Path dir) throws IOException {
    Path file = dir.resolve("catalog.yaml");
    Files.writeString(
        file,
        """
        pricesReadOn: 2025-10-01
        providers:
          replaygood: {type: openai-compatible, baseUrl: "http://127.0.0.1:1/v1", apiKeyEnv: [REPLAY_GOOD_KEY]}
          replaystale: {type: openai-compatible, baseUrl: "http://127.0.0.1:1/v1", apiKeyEnv: [REPLAY_STALE_KEY]}
        models:
          - {provider: replaygood, id: sim-mini, contextWindow: 128000, maxOutputTokens: 16384, capabilities: [streaming],
             prices: {input: 0.10, cachedInput: 0.05, output: 0.40}}
          - {provider: replaystale, id: sim-mini, contextWindow: 128000, maxOutputTokens: 16384, capabilities: [streaming],
             prices: {input: 0.10, cachedInput: 0.05, output: 0.40}}
        """);
    return file;
  }

  /** A stack whose simulator takes {@code key} and stands in for both entries of {@code file}. */
  static DevStack.Options options(Path file, String key) {
    return DevStack.Options.defaults()
        .withEnvironment(Map.of("REPLAY_GOOD_KEY", key, "REPLAY_STALE_KEY", "sk-revoked"))
        .withSimulator(SimulatorConfig.defaults().withApiKey(key))
        .withSimulatedProviders(ModelCatalog.load(file), List.of(GOOD, STALE));
  }
}
