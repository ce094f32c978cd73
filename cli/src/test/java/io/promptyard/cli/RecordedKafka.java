package io.promptyard.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MockAdminClient;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;

/**
 * Kafka for command tests without a broker: topics holding the records a test put there, read by
 * {@link MockConsumer}s, described by a {@link MockAdminClient} and written by {@link
 * MockProducer}s; every client's configuration is kept, so a test can see what a command
 * configured. {@link #run} runs a command line against them at a fixed time and keeps what it
 * printed.
 */
final class RecordedKafka implements KafkaClients {

  private static final Node BROKER = new Node(0, "localhost", 9092);

  private record Topic(int partitions, Map<String, String> configs) {}

  private final Map<String, Topic> topics = new LinkedHashMap<>();
  private final Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> records = new HashMap<>();
  private final List<Map<String, Object>> configs = new ArrayList<>();
  private final List<MockProducer<String, byte[]>> producers = new ArrayList<>();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private Clock clock;

  /** Sets the time the commands {@link #run} runs see. */
  RecordedKafka at(Instant now) {
    this.clock = Clock.fixed(now, ZoneOffset.UTC);
    return this;
  }

  /** Adds a topic of {@code partitions} partitions with these topic configs. */
  RecordedKafka topic(String name, int partitions, Map<String, String> configs) {
    topics.put(name, new Topic(partitions, configs));
    for (int p = 0; p < partitions; p++) {
      records.put(new TopicPartition(name, p), new ArrayList<>());
    }
    return this;
  }

  /** Appends a record to partition 0 of {@code topic}, which must have been added. */
  RecordedKafka record(String topic, String key, byte[] value) {
    List<ConsumerRecord<String, byte[]>> partition = records.get(new TopicPartition(topic, 0));
    partition.add(new ConsumerRecord<>(topic, 0, partition.size(), key, value));
    return this;
  }

  /**
   * Appends a record produced at {@code at} to partition {@code partition} of {@code topic}, which
   * must have been added: what {@code offsetsForTimes} finds.
   */
  RecordedKafka record(String topic, int partition, String key, byte[] value, Instant at) {
    List<ConsumerRecord<String, byte[]>> records =
        this.records.get(new TopicPartition(topic, partition));
    records.add(
        new ConsumerRecord<>(
            topic,
            partition,
            records.size(),
            at.toEpochMilli(),
            TimestampType.CREATE_TIME,
            -1,
            -1,
            key,
            value,
            new RecordHeaders(),
            Optional.empty()));
    return this;
  }

  /**
   * Runs {@code promptyard ARGS} against these topics at the time set by {@link #at}, with no
   * configuration file; what it printed is in {@link #out()} and {@link #err()} until the next run.
   *
   * @return the exit status
   */
  int run(String... args) {
    if (clock == null) {
      throw new IllegalStateException("set the time the command runs at first: at(Instant)");
    }
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    CommandLine cli = Main.commandLine(Map.of("HOME", "/nonexistent"), clock, this);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  /** What the last {@link #run} printed to standard output. */
  String out() {
    return out.toString();
  }

  /** What the last {@link #run} printed to standard error. */
  String err() {
    return err.toString();
  }

  /** The records the commands' producers sent, in order, over every topic. */
  List<ProducerRecord<String, byte[]>> sent() {
    return producers.stream().flatMap(p -> p.history().stream()).toList();
  }

  /** The records the commands' producers sent to {@code topic}, in order. */
  List<ProducerRecord<String, byte[]>> sentTo(String topic) {
    return sent().stream().filter(r -> r.topic().equals(topic)).toList();
  }

  /** The configurations of the clients made so far, in order. */
  List<Map<String, Object>> configs() {
    return configs;
  }

  @Override
  public Consumer<String, byte[]> consumer(Map<String, Object> config) {
    configs.add(Map.copyOf(config));
    MockConsumer<String, byte[]> consumer =
        new MockConsumer<>("earliest") {
          // MockConsumer has none: the first record at or after each time, as a broker finds it
          @Override
          public synchronized Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(
              Map<TopicPartition, Long> times) {
            Map<TopicPartition, OffsetAndTimestamp> found = new HashMap<>();
            times.forEach(
                (tp, time) ->
                    found.put(
                        tp,
                        RecordedKafka.this.records.getOrDefault(tp, List.of()).stream()
                            .filter(r -> r.timestamp() >= time)
                            .findFirst()
                            .map(r -> new OffsetAndTimestamp(r.offset(), r.timestamp()))
                            .orElse(null)));
            return found;
          }
        };
    Map<TopicPartition, Long> beginnings = new HashMap<>();
    Map<TopicPartition, Long> ends = new HashMap<>();
    topics.forEach(
        (name, topic) -> {
          List<PartitionInfo> partitions = new ArrayList<>();
          for (int p = 0; p < topic.partitions(); p++) {
            partitions.add(new PartitionInfo(name, p, BROKER, new Node[0], new Node[0]));
            TopicPartition tp = new TopicPartition(name, p);
            beginnings.put(tp, 0L);
            ends.put(tp, (long) records.get(tp).size());
          }
          consumer.updatePartitions(name, partitions);
        });
    consumer.updateBeginningOffsets(beginnings);
    consumer.updateEndOffsets(ends);
    // records can be added only to assigned partitions: at the first poll, after the command
    // assigned them
    consumer.schedulePollTask(
        () ->
            consumer.assignment().stream()
                .map(records::get)
                .filter(java.util.Objects::nonNull)
                .forEach(list -> list.forEach(consumer::addRecord)));
    return consumer;
  }

  /**
   * A producer whose every record is acknowledged at once and, on a topic that was added, appended
   * to it: a command reading the topic afterwards finds it.
   */
  @Override
  public Producer<String, byte[]> producer(Map<String, Object> config) {
    configs.add(Map.copyOf(config));
    MockProducer<String, byte[]> producer =
        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer()) {
          @Override
          public synchronized Future<RecordMetadata> send(
              ProducerRecord<String, byte[]> r, Callback callback) {
            if (records.containsKey(new TopicPartition(r.topic(), 0))) {
              record(r.topic(), r.key(), r.value());
            }
            return super.send(r, callback);
          }
        };
    producers.add(producer);
    return producer;
  }

  @Override
  public Admin admin(Map<String, Object> config) {
    configs.add(Map.copyOf(config));
    MockAdminClient admin = MockAdminClient.create().brokers(List.of(BROKER)).build();
    topics.forEach(
        (name, topic) -> {
          List<TopicPartitionInfo> partitions = new ArrayList<>();
          for (int p = 0; p < topic.partitions(); p++) {
            partitions.add(new TopicPartitionInfo(p, BROKER, List.of(BROKER), List.of(BROKER)));
          }
          admin.addTopic(false, name, partitions, topic.configs());
        });
    return admin;
  }
}
