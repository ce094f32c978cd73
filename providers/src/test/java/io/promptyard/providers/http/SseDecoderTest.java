package io.promptyard.providers.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseDecoderTest {

  /** The events of {@code lines} as an adapter decodes them while streaming. */
  private static List<String> events(String... lines) {
    Iterator<String> each = List.of(lines).iterator();
    List<String> events = new ArrayList<>();
    SseDecoder.<RuntimeException>decode(() -> each.hasNext() ? each.next() : null, events::add);
    return events;
  }

  @Test
  void eachBlankLineEndsAnEvent() {
    assertThat(events("data: {\"a\":1}", "", "data: [DONE]", ""))
        .containsExactly("{\"a\":1}", "[DONE]");
  }

  @Test
  void dataLinesOfOneEventAreJoinedWithNewlines() {
    assertThat(events("data: {\"a\":", "data: 1}", "")).containsExactly("{\"a\":\n1}");
  }

  @Test
  void commentsAndOtherFieldsAreSkipped() {
    assertThat(events(": keep-alive", "", "event: message", "id: 7", "data:no-space", ""))
        .containsExactly("no-space");
  }

  @Test
  void lastEventWithoutItsBlankLineIsStillDelivered() {
    assertThat(events("data: [DONE]")).containsExactly("[DONE]");
  }
}
