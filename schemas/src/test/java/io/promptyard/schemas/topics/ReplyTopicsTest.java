package io.promptyard.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.schemas.Priority;
import io.promptyard.schemas.config.ConfigException;
import io.promptyard.schemas.config.Settings;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;

class ReplyTopicsTest {

  private final Topics topics = new Topics("acme.");

  @Test
  void everyTopicTheTopicsClassNamesIsInternal() throws Exception {
    int checked = 0;
    for (Method m : Topics.class.getDeclaredMethods()) {
      boolean topicName =
          Modifier.isPublic(m.getModifiers())
              && !Modifier.isStatic(m.getModifiers())
              && m.getReturnType() == String.class
              && !m.getName().equals("prefix")
              && !m.getName().equals("toString");
      if (!topicName) {
        continue;
      }
      Object[] args =
          switch (m.getParameterCount()) {
            case 0 -> new Object[0];
            case 1 -> m.getParameterTypes()[0] == String.class ? new Object[] {"openai"} : null;
            case 2 -> new Object[] {"openai", Priority.INTERACTIVE};
            default -> null;
          };
      if (args == null) {
        continue;
      }
      String name = (String) m.invoke(topics, args);
      assertThat(topics.isInternal(name)).as("%s names %s", m.getName(), name).isTrue();
      checked++;
    }
    assertThat(checked).isGreaterThan(15);
  }

  @Test
  void theDefaultPrefixIsTheTopicPrefixAndReplies() {
    assertThat(ReplyTopics.defaults(Topics.defaults()).prefix()).isEqualTo("promptyard.replies.");
    assertThat(ReplyTopics.from(new Settings(Map.of()), topics).prefix())
        .isEqualTo("acme.replies.");
    assertThat(
            ReplyTopics.from(
                    new Settings(Map.of(ReplyTopics.PREFIX.name(), "team-replies.")), topics)
                .prefix())
        .isEqualTo("team-replies.");
  }

  @Test
  void anIllegalPrefixFailsNamingTheKey() {
    assertThatThrownBy(
            () ->
                ReplyTopics.from(
                    new Settings(Map.of(ReplyTopics.PREFIX.name(), "replies/*")), topics))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ReplyTopics.PREFIX.name());
  }

  @Test
  void onlyTopicsUnderThePrefixThatAreNotPromptyardsOwnAreAllowed() {
    ReplyTopics replies = ReplyTopics.defaults(topics);
    ReplyTopics wide = new ReplyTopics(topics, "acme.");

    assertThat(replies.refusal(null)).isEmpty();
    assertThat(replies.refusal("")).isEmpty();
    assertThat(replies.refusal("acme.replies.search")).isEmpty();
    assertThat(replies.refusal("search.replies")).get().asString().contains("'acme.replies.'");
    assertThat(wide.refusal("acme.templates")).get().asString().contains("Promptyard's own");
    assertThat(wide.refusal("acme.route.openai.retry")).isPresent();
    assertThat(replies.refusal("evil\nINFO forged line")).get().asString().contains("evil\\nINFO");
  }

  @Test
  void promptyardHeadersAreRecognisedWhateverTheirCaseAndDroppedAlone() {
    Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders();
    headers.add(RecordHeaders.REPLAY, new byte[] {1});
    headers.add("traceparent", new byte[] {2});
    headers.add("Promptyard-Due-At", new byte[] {3});

    assertThat(RecordHeaders.internalNames(headers))
        .containsExactly(RecordHeaders.REPLAY, "Promptyard-Due-At");
    assertThat(RecordHeaders.withoutInternal(headers).toArray())
        .extracting(h -> h.key())
        .containsExactly("traceparent");
    assertThat(RecordHeaders.isInternal("x-promptyard-replay")).isFalse();
  }
}
