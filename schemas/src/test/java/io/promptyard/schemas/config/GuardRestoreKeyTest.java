package io.promptyard.schemas.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuardRestoreKeyTest {

  private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

  @Test
  void theKeyIsReadFromTheVariableOrItsFileAndIsOptional() throws Exception {
    assertThat(GuardRestoreKey.from(new Settings(Map.of()))).isEmpty();
    assertThat(GuardRestoreKey.from(new Settings(Map.of(GuardRestoreKey.KEY.name(), KEY))))
        .hasValueSatisfying(k -> assertThat(k).hasSize(32));
  }

  @Test
  void aFileHoldsTheKey(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("restore.key"), KEY + "\n");

    assertThat(
            GuardRestoreKey.from(
                new Settings(Map.of(GuardRestoreKey.FILE.name(), file.toString()))))
        .hasValueSatisfying(k -> assertThat(k).hasSize(32));
    assertThatThrownBy(
            () ->
                GuardRestoreKey.from(
                    new Settings(
                        Map.of(
                            GuardRestoreKey.FILE.name(),
                            file.toString(),
                            GuardRestoreKey.KEY.name(),
                            KEY))))
        .hasMessageContaining("both set");
  }

  @Test
  void aBadKeyFailsNamingTheVariableNeverTheValue() {
    String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
    assertThatThrownBy(
            () -> GuardRestoreKey.from(new Settings(Map.of(GuardRestoreKey.KEY.name(), shortKey))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PROMPTYARD_GUARD_RESTORE_KEY must be 32 bytes")
        .hasMessageContaining("was 16 bytes")
        .hasMessageNotContaining(shortKey);
    assertThatThrownBy(
            () ->
                GuardRestoreKey.from(
                    new Settings(Map.of(GuardRestoreKey.KEY.name(), "not base64 at all!"))))
        .hasMessageContaining("is not base64")
        .hasMessageNotContaining("at all");
  }
}
