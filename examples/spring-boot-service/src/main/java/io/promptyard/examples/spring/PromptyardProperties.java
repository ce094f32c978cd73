package io.promptyard.examples.spring;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code promptyard.*} settings of the service.
 *
 * @param bootstrapServers Kafka's bootstrap servers
 * @param topicPrefix the prefix of Promptyard's topics
 * @param team the team the questions are billed to
 * @param clientId this instance's name: its reply topic is {@code
 *     <prefix>replies.<team>.<clientId>}, so give each instance a stable one of its own (a pod
 *     name)
 * @param replyTopic a reply topic to read instead of the one named after team and client id
 * @param model the model (or alias) the questions go to
 * @param timeout how long a question waits for its answer before the endpoint answers 504
 */
@ConfigurationProperties("promptyard")
public record PromptyardProperties(
    String bootstrapServers,
    @DefaultValue("promptyard.") String topicPrefix,
    String team,
    String clientId,
    String replyTopic,
    @DefaultValue("cheap") String model,
    @DefaultValue("30s") Duration timeout) {}
