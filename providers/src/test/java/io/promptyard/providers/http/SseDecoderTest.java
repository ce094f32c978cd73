package io.promptyard.providers.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseDecoderTest {

  private static List<String> events(String... lines) {
    SseDecoder sse = new SseDecoder();
    List<String> events = new ArrayList<>();
    for (String line : lines) {
      String data = sse.line(line);
      if (data != null) {
        events.add(data);
      }
    }
    String last = sse.end();
    if (last != null) {
      events.add(last);
    }
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
