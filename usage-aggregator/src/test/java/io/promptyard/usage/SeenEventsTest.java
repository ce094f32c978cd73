package io.promptyard.usage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeenEventsTest {

  @Test
  void teamAndEventIdCannotBeShiftedIntoEachOther() {
    assertThat(SeenEvents.key("a:b", "c:1")).isNotEqualTo(SeenEvents.key("a", "b:c:1"));
    assertThat(SeenEvents.key("a/", "b:1")).isNotEqualTo(SeenEvents.key("a", "/b:1"));
  }

  @Test
  void keysNeverMeetTheLegacyKeyOfAnyEvent() {
    // a legacy key is the worker's event id, request id ':' attempt, so it ends in a digit
    assertThat(SeenEvents.key("t1", "r1:1")).endsWith("/");
    assertThat(SeenEvents.legacyKey("r1:1")).isEqualTo("r1:1");
    assertThat(SeenEvents.LEGACY_BOUND_KEY).isNotEqualTo(SeenEvents.key("", ""));
  }
}
