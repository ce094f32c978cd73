package io.promptyard.cli.providers;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.cli.Main;
import io.promptyard.providers.ApiKeyPool;
import io.promptyard.testkit.provider.SimulatedProvider;
import io.promptyard.testkit.provider.SimulatorConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code promptyard providers check} against the simulated provider, which takes one Bearer key:
 * one line per key with its id and status, never the key, and the exit status an operator's script
 * reads.
 */
class ProvidersCheckCommandTest {

  static final String GOOD = "sk-cli-good-" + "G00d".repeat(8);
  static final String BAD = "sk-cli-stale-" + "5ta1e".repeat(8);

  @TempDir Path dir;

  private SimulatedProvider sim;
  private Path catalog;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void start() throws Exception {
    sim = SimulatedProvider.start(SimulatorConfig.defaults().withApiKey(GOOD));
    catalog = dir.resolve("catalog.yaml");
    Files.writeString(
        catalog,
        """
        pricesReadOn: 2025-10-01
        providers:
          good:
            type: openai-compatible
            baseUrl: %1$s
            apiKeyEnv: [GOOD_KEY]
          mixed:
            type: openai-compatible
            baseUrl: %1$s
            apiKeyEnv: [GOOD_KEY, BAD_KEY]
          unset:
            type: openai-compatible
            baseUrl: %1$s
            apiKeyEnv: [UNSET_KEY]
        models:
          - provider: good
            id: sim-mini
            contextWindow: 128000
            maxOutputTokens: 16384
            prices: {input: 0.10, cachedInput: 0.05, output: 0.40}
        """
            .formatted(sim.baseUrl()));
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private int run(Map<String, String> extra, String... args) {
    Map<String, String> env =
        new java.util.HashMap<>(
            Map.of("PROMPTYARD_CATALOG", catalog.toString(), "GOOD_KEY", GOOD, "BAD_KEY", BAD));
    env.putAll(extra);
    CommandLine cli = Main.commandLine(env);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void aGoodKeyIsValidAndExitsZero() {
    int code = run(Map.of(), "providers", "check", "--provider", "good");

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString().lines().toList())
        .containsExactly("good\t" + ApiKeyPool.keyId(GOOD) + "\tVALID\tthe models list answered");
  }

  @Test
  void aRefusedKeyIsPrintedByIdWithTheProvidersAnswerAndExitsOne() {
    int code = run(Map.of(), "providers", "check", "--provider", "mixed");

    assertThat(code).as(err.toString()).isEqualTo(1);
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("mixed\t" + ApiKeyPool.keyId(GOOD) + "\tVALID");
    assertThat(lines.get(1))
        .startsWith("mixed\t" + ApiKeyPool.keyId(BAD) + "\tREFUSED\t")
        .contains("401", "invalid_api_key");
    assertThat(out.toString() + err.toString()).doesNotContain(GOOD, BAD);
  }

  @Test
  void withoutProviderItChecksWhatTheWorkerServesAndNamesAMissingKeysVariable() {
    int code = run(Map.of("PROMPTYARD_WORKER_PROVIDERS", "good,unset"), "providers", "check");

    assertThat(code).as(err.toString()).isEqualTo(1);
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("good\t" + ApiKeyPool.keyId(GOOD) + "\tVALID");
    assertThat(lines.get(1)).startsWith("unset\tnone\tNOT_CONFIGURED\t").contains("UNSET_KEY");
  }

  @Test
  void anUnknownProviderIsAUsageError() {
    int code = run(Map.of(), "providers", "check", "--provider", "nosuch");

    assertThat(code).as(err.toString()).isEqualTo(2);
    assertThat(err.toString()).contains("no provider named 'nosuch'", "good", "mixed", "unset");
  }
}
