package io.promptyard.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PromptyardClientConfigTest {

  private static final Map<String, Object> USER =
      Map.of(
          "security.protocol", "SASL_SSL",
          "sasl.mechanism", "SCRAM-SHA-512",
          "acks", "0",
          "enable.idempotence", "false",
          "isolation.level", "read_uncommitted",
          "bootstrap.servers", "elsewhere:9092");

  @Test
  void userPropertiesReachTheProducerButNotOverItsOwnSettings() {
    Map<String, Object> config = PromptyardClient.producerConfig(USER, "kafka:9093", "app");

    assertThat(config)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("acks", "all")
        .containsEntry("enable.idempotence", true)
        .containsEntry("bootstrap.servers", "kafka:9093")
        .containsEntry("client.id", "app-producer");
  }

  @Test
  void userPropertiesReachTheReplyConsumerButNotOverItsOwnSettings() {
    Map<String, Object> config = PromptyardClient.consumerConfig(USER, "kafka:9093", "app");

    assertThat(config)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("isolation.level", "read_committed")
        .containsEntry("bootstrap.servers", "kafka:9093");
  }

  @Test
  void aTeamTopicMustBeOneTopicNameSegmentAndAgreeWithTheDefaultTeam() {
    assertThatThrownBy(
            () ->
                PromptyardClient.builder().bootstrapServers("kafka:9093").teamTopic("a.b").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("teamTopic: team 'a.b'")
        .hasMessageContaining("no dots");
    assertThatThrownBy(
            () ->
                PromptyardClient.builder()
                    .bootstrapServers("kafka:9093")
                    .teamTopic("finance")
                    .defaultTeam("search")
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("defaultTeam 'search' is not teamTopic 'finance'");
  }

  @Test
  void onATeamTopicARequestNamingAnotherTeamFailsBeforeItIsSent() {
    try (PromptyardClient client =
        PromptyardClient.builder().bootstrapServers("localhost:1").teamTopic("finance").build()) {
      assertThat(
              client.submit(
                  CompletionRequests.builder()
                      .id("r-1")
                      .team("search")
                      .model("cheap")
                      .user("hi")
                      .build()))
          .failsWithin(java.time.Duration.ZERO)
          .withThrowableThat()
          .havingCause()
          .isInstanceOf(IllegalArgumentException.class)
          .withMessageContaining("request r-1 names team 'search'")
          .withMessageContaining("team 'finance''s own topic");
    }
  }

  @Test
  void aClientWithATeamReadsTheReplyTopicNamedAfterItsTeamAndId() {
    try (PromptyardClient client =
        PromptyardClient.builder()
            .bootstrapServers("localhost:1")
            .clientId("checkout-7")
            .defaultTeam("search")
            .build()) {
      assertThat(client.replyTopic()).contains("promptyard.replies.search.checkout-7");
    }
    try (PromptyardClient client =
        PromptyardClient.builder()
            .bootstrapServers("localhost:1")
            .replyTopic("promptyard.replies.search.mine")
            .build()) {
      assertThat(client.replyTopic()).contains("promptyard.replies.search.mine");
    }
  }

  @Test
  void aReplyTopicMustBeALegalNameOfNoPromptyardTopicAndExcludesReadingTheResultsTopic() {
    assertThatThrownBy(
            () ->
                PromptyardClient.builder()
                    .bootstrapServers("localhost:1")
                    .clientId("pod 1")
                    .defaultTeam("search")
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'promptyard.replies.search.pod 1' is not a legal Kafka topic name");
    assertThatThrownBy(
            () ->
                PromptyardClient.builder()
                    .bootstrapServers("localhost:1")
                    .replyTopic("promptyard.results")
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("one of Promptyard's own topics");
    assertThatThrownBy(
            () ->
                PromptyardClient.builder()
                    .bootstrapServers("localhost:1")
                    .replyTopic("promptyard.replies.search.mine")
                    .readResultsTopic()
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exclude each other");
  }

  @Test
  void aClientWithNeitherTeamNorReplyTopicFailsASubmitSayingWhatToSet() {
    try (PromptyardClient client =
        PromptyardClient.builder().bootstrapServers("localhost:1").clientId("app").build()) {
      assertThat(client.replyTopic()).isEmpty();
      assertThat(
              client.submit(
                  CompletionRequests.builder().team("search").model("cheap").user("hi").build()))
          .failsWithin(java.time.Duration.ofSeconds(5))
          .withThrowableThat()
          .havingCause()
          .isInstanceOf(IllegalStateException.class)
          .withMessageContaining("no reply topic")
          .withMessageContaining("readResultsTopic()");
    }
  }
}
