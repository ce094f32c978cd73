package io.promptyard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.router.RouterConfig;
import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.config.ConfigKey;
import io.promptyard.usage.UsageAggregatorApp;
import io.promptyard.worker.WorkerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's configuration reference names every key the services read, with the code's defaults. */
class ConfigReferenceTest {

  private static final Pattern ROW = Pattern.compile("^\\| `(PROMPTYARD_[A-Z_]+)` \\| ([^|]+) \\|");

  @Test
  void readmeConfigurationTableListsEveryKeyWithItsDefault() throws Exception {
    Map<String, String> documented = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of("../README.md"))) {
      Matcher m = ROW.matcher(line);
      if (m.find()) {
        documented.put(m.group(1), m.group(2).trim());
      }
    }
    List<ConfigKey> keys = new ArrayList<>(CommonConfig.KEYS);
    keys.addAll(RouterConfig.KEYS);
    keys.addAll(WorkerConfig.KEYS);
    keys.addAll(UsageAggregatorApp.KEYS);

    for (ConfigKey key : keys) {
      assertThat(documented).as("README documents %s", key.name()).containsKey(key.name());
      if (key.defaultValue() != null) {
        assertThat(documented.get(key.name())).as("README default of %s", key.name()).isEqualTo("`" + key.defaultValue() + "`");
      }
    }
    assertThat(documented.keySet()).as("README documents no key the code does not read")
        .containsExactlyInAnyOrderElementsOf(keys.stream().map(ConfigKey::name).distinct().toList());
  }
}
