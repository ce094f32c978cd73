package io.promptyard.examples.spring;

import io.promptyard.client.PromptyardClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The service's one Promptyard client, closed when the application context closes. */
@Configuration(proxyBeanMethods = false)
public class PromptyardConfiguration {

  /** A client of the configured team that reads its results from its own reply topic. */
  @Bean(destroyMethod = "close")
  public PromptyardClient promptyardClient(PromptyardProperties properties) {
    PromptyardClient.Builder builder =
        PromptyardClient.builder()
            .bootstrapServers(properties.bootstrapServers())
            .topicPrefix(properties.topicPrefix())
            .defaultTeam(properties.team())
            .timeout(properties.timeout());
    if (properties.clientId() != null) {
      builder.clientId(properties.clientId());
    }
    if (properties.replyTopic() != null) {
      builder.replyTopic(properties.replyTopic());
    }
    return builder.build();
  }
}
