package io.promptyard.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@InProcessBrokerOnly(
    "tests the in-process broker itself (fixed port, several brokers, restarts, its data directory)")
@ExtendWith(KafkaBrokerExtension.class)
class EmbeddedKafkaIT {

  @Test
  void shareGroupConsumerReceivesAndAcknowledgesProducedRecords(EmbeddedKafka kafka)
      throws Exception {
    try (Admin admin = kafka.admin()) {
      admin
          .createTopics(List.of(new NewTopic("share-test", 2, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
      admin
          .incrementalAlterConfigs(
              Map.of(
                  new ConfigResource(ConfigResource.Type.GROUP, "share-test-group"),
                  List.of(
                      new AlterConfigOp(
                          new ConfigEntry("share.auto.offset.reset", "earliest"),
                          AlterConfigOp.OpType.SET))))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            new StringSerializer(),
            new StringSerializer())) {
      for (int i = 0; i < 10; i++) {
        producer.send(new ProducerRecord<>("share-test", "k" + i, "v" + i));
      }
      producer.flush();
    }
    List<String> seen = new ArrayList<>();
    try (KafkaShareConsumer<String, String> consumer =
        new KafkaShareConsumer<>(
            Map.of(
                "bootstrap.servers",
                kafka.bootstrapServers(),
                "group.id",
                "share-test-group",
                "share.acknowledgement.mode",
                "explicit"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(Set.of("share-test"));
      long until = System.currentTimeMillis() + 30_000;
      while (seen.size() < 10 && System.currentTimeMillis() < until) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          seen.add(r.value());
          consumer.acknowledge(r, AcknowledgeType.ACCEPT);
        }
        consumer.commitSync();
      }
    }
    assertThat(seen).hasSize(10).doesNotHaveDuplicates();
  }

  @Test
  void brokerStartedOnAFixedPortServesClientsThere() throws Exception {
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    try (EmbeddedKafka kafka = EmbeddedKafka.start(port);
        Admin admin = Admin.create(Map.of("bootstrap.servers", "localhost:" + port))) {
      admin
          .createTopics(List.of(new NewTopic("fixed-port", 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
      assertThat(kafka.bootstrapServers()).isEqualTo("localhost:" + port);
      assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("fixed-port");
    }
  }

  @Test
  void clusterTakesAcknowledgedWritesWithABrokerStoppedAndTheBrokerComesBackOnItsPortAndLog()
      throws Exception {
    try (EmbeddedKafka cluster = EmbeddedKafka.startCluster(3);
        Admin admin = cluster.admin()) {
      admin
          .createTopics(
              List.of(
                  new NewTopic("replicated", 1, (short) 3)
                      .configs(Map.of("min.insync.replicas", "2"))))
          .all()
          .get(30, TimeUnit.SECONDS);
      assertThat(cluster.brokerIds()).containsExactly(0, 1, 2);
      // The brokers learn of a new topic one by one: until all have, describing it may fail.
      int leader =
          await()
              .atMost(Duration.ofSeconds(30))
              .ignoreExceptions()
              .until(() -> leader(admin), id -> id >= 0);

      cluster.stopBroker(leader);
      List<String> bootstrap = List.of(cluster.bootstrapServers().split(","));
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(
              Map.of("bootstrap.servers", cluster.bootstrapServers(), "acks", "all"),
              new StringSerializer(),
              new StringSerializer())) {
        producer
            .send(
                new ProducerRecord<>(
                    "replicated", "k", "written while broker " + leader + " was down"))
            .get(60, TimeUnit.SECONDS);
      }
      cluster.startBroker(leader);

      assertThat(cluster.bootstrapServers().split(",")).containsExactlyElementsOf(bootstrap);
      await().atMost(Duration.ofSeconds(60)).until(() -> isr(admin).size() == 3);
      assertThat(TopicContents.readAll(cluster.bootstrapServers(), "replicated")).hasSize(1);
    }
  }

  private static int leader(Admin admin) throws Exception {
    return admin
        .describeTopics(List.of("replicated"))
        .allTopicNames()
        .get(30, TimeUnit.SECONDS)
        .get("replicated")
        .partitions()
        .get(0)
        .leader()
        .id();
  }

  private static List<org.apache.kafka.common.Node> isr(Admin admin) throws Exception {
    return admin
        .describeTopics(List.of("replicated"))
        .allTopicNames()
        .get(30, TimeUnit.SECONDS)
        .get("replicated")
        .partitions()
        .get(0)
        .isr();
  }

  @Test
  void closingTheBrokerLeavesNoFilesBehind() {
    // Only this broker's own directory is looked at: the build runs two modules at once, and the
    // other one's tests start and stop brokers of their own in the same temporary directory.
    Path dataDirectory;
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      dataDirectory = kafka.dataDirectory();
      assertThat(dataDirectory).isDirectoryRecursivelyContaining("glob:**/meta.properties");
    }
    assertThat(dataDirectory).doesNotExist();
  }
}
