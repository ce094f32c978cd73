package io.promptyard.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

class RecordSizeLimitTest {

  private final Serializer<byte[]> limited = RecordSizeLimit.of(new ByteArraySerializer(), 20_000);

  @Test
  void aValueThatLeavesRoomForKeyAndFramingPasses() {
    assertThat(limited.serialize("t", new RecordHeaders(), new byte[11_000])).hasSize(11_000);
  }

  @Test
  void aValueThatWithItsHeadersLeavesNoRoomIsRefusedWhileSerializing() {
    Headers headers = new RecordHeaders().add("bulky", new byte[5_000]);

    assertThatThrownBy(() -> limited.serialize("promptyard.route.openai", headers, new byte[9_000]))
        .isInstanceOf(RecordTooLargeException.class)
        .hasMessageContaining("promptyard.route.openai")
        .hasMessageContaining("20000 bytes a record may have");
  }

  @Test
  void keysLongerThanAKeyMayBeAreDropped() {
    assertThat(RecordSizeLimit.boundedKey("req-1")).isEqualTo("req-1");
    assertThat(RecordSizeLimit.boundedKey("é".repeat(600))).isNull();
    assertThat(RecordSizeLimit.boundedKey(new byte[1_025])).isNull();
  }
}
