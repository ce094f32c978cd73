package io.promptyard.systemtests;

import io.promptyard.client.PromptyardClient;
import io.promptyard.dev.DevStack;
import java.time.Duration;

/** The Java client of a dev stack's topics, for tests. */
final class StackClient {

  private StackClient() {}

  /**
   * A client submitting for {@code team} that waits up to 90 s for each result, on its own reply
   * topic.
   */
  static PromptyardClient of(DevStack stack, String team) {
    return builder(stack, team).build();
  }

  private static PromptyardClient.Builder builder(DevStack stack, String team) {
    return PromptyardClient.builder()
        .bootstrapServers(stack.bootstrapServers())
        .topicPrefix(stack.topics().prefix())
        .defaultTeam(team)
        .timeout(Duration.ofSeconds(90));
  }
}
