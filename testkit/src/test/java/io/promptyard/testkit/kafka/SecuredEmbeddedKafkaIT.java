package io.promptyard.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@InProcessBrokerOnly(
    "a SASL_SSL broker with SCRAM users and ACLs, which the container does not offer")
class SecuredEmbeddedKafkaIT {

  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() throws Exception {
    kafka = EmbeddedKafka.startSecured();
    kafka.addUser("alice", "alice-secret");
    try (Admin admin = kafka.admin()) {
      admin
          .createTopics(
              List.of(new NewTopic("secured", 1, (short) 1), new NewTopic("no-acl", 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
      admin
          .createAcls(
              List.of(
                  new AclBinding(
                      new ResourcePattern(ResourceType.TOPIC, "secured", PatternType.LITERAL),
                      new AccessControlEntry(
                          "User:alice", "*", AclOperation.WRITE, AclPermissionType.ALLOW))))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  @Test
  void userWithAnAclWritesOverSaslSsl() {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(send(kafka.clientProperties("alice", "alice-secret"), "secured"))
                    .isNotNull());
  }

  @Test
  void userIsRefusedATopicThatNoAclNames() {
    kafka.addUser("bob", "bob-secret");
    assertThatThrownBy(() -> send(kafka.clientProperties("bob", "bob-secret"), "no-acl"))
        .isInstanceOf(TopicAuthorizationException.class);
  }

  @Test
  void wrongPasswordIsRefused() {
    assertThatThrownBy(() -> send(kafka.clientProperties("alice", "not-her-secret"), "secured"))
        .isInstanceOf(SaslAuthenticationException.class);
  }

  @Test
  void plaintextClientGetsNoMetadata() {
    assertThatThrownBy(() -> send(Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 3000), "secured"))
        .isInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
  }

  /** Sends one record; the failure a user would see, not its wrapper, is thrown. */
  private static Object send(Map<String, Object> security, String topic) throws Exception {
    Map<String, Object> properties = new HashMap<>(security);
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    properties.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer())) {
      return producer.send(new ProducerRecord<>(topic, "k", "v")).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }
}
