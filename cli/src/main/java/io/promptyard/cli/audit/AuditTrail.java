package io.promptyard.cli.audit;

import io.promptyard.cli.KafkaClients;
import io.promptyard.schemas.AuditEvent;
import io.promptyard.schemas.config.KafkaClientProperties;
import io.promptyard.schemas.serde.AvroSerde;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes one {@link AuditEvent} per operator action to the audit topic: who (OS user and Kafka
 * principal), what (command and arguments, secrets hidden), when, and the outcome. Every command
 * that changes something goes through {@link io.promptyard.cli.OperatorAction}, which checks that
 * the trail is writable before acting and records the outcome after; a command of its own can call
 * {@link #record} directly.
 *
 * @param kafka the operator's Kafka client properties (the principal is read from them)
 * @param topic the audit topic
 * @param clock the time of each record
 * @param osUser who runs the command ({@code user.name})
 * @param clients where its admin client and producer come from
 */
public record AuditTrail(
    KafkaClientProperties kafka, String topic, Clock clock, String osUser, KafkaClients clients) {

  /** A trail written with real Kafka clients. */
  public AuditTrail(KafkaClientProperties kafka, String topic, Clock clock, String osUser) {
    this(kafka, topic, clock, osUser, KafkaClients.REAL);
  }

  private static final AvroSerde<AuditEvent> EVENTS = AvroSerde.of(AuditEvent.class);

  /**
   * Why an audit record could not be written: the action must not go unrecorded silently, so its
   * message reaches the operator as it is (whatever Kafka error caused it).
   */
  public static final class AuditWriteException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AuditWriteException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Fails, saying what to do, unless the audit topic exists and this client may see it: checked
   * before an action, so that an action is not taken when it could not be recorded.
   */
  public void ensureWritable() {
    try (Admin admin =
        clients.admin(
            kafka.clientConfig(
                Map.of("default.api.timeout.ms", 15_000, "request.timeout.ms", 10_000)))) {
      admin.describeTopics(List.of(topic)).allTopicNames().get();
    } catch (ExecutionException e) {
      throw new AuditWriteException(
          "nothing was done: the audit topic "
              + topic
              + " cannot be used ("
              + e.getCause().getMessage()
              + "); promptyard topics create makes it, and operators need WRITE on it",
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AuditWriteException("interrupted while checking the audit topic " + topic, e);
    }
  }

  /**
   * Writes the record of one action and returns it once Kafka has it.
   *
   * @param command the command, e.g. {@code dlq replay}
   * @param arguments the command line's arguments; secrets are hidden here
   * @param succeeded whether the action completed
   * @param outcome what it did (counts), or why it failed
   * @throws AuditWriteException when Kafka does not take the record
   */
  public AuditEvent record(
      String command, List<String> arguments, boolean succeeded, String outcome) {
    AuditEvent event =
        AuditEvent.newBuilder()
            .setId(UUID.randomUUID().toString())
            .setAt(clock.instant())
            .setOsUser(osUser)
            .setPrincipal(ClientPrincipal.of(kafka))
            .setCommand(command)
            .setArguments(RedactedArguments.of(arguments))
            .setSucceeded(succeeded)
            .setOutcome(outcome == null ? "" : outcome)
            .build();
    Map<String, Object> config =
        kafka.idempotentProducerConfig(
            Map.of(
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                15_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                30_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                10_000,
                ProducerConfig.CLIENT_ID_CONFIG,
                "promptyard-cli-audit"));
    try (Producer<String, byte[]> producer = clients.producer(config)) {
      producer.send(new ProducerRecord<>(topic, event.getId(), EVENTS.encode(topic, event))).get();
      return event;
    } catch (ExecutionException e) {
      throw new AuditWriteException(
          "the audit record of "
              + command
              + " was not written to "
              + topic
              + ": "
              + e.getCause().getMessage(),
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AuditWriteException("interrupted while writing the audit record of " + command, e);
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new AuditWriteException(
          "the audit record of " + command + " was not written to " + topic + ": " + e.getMessage(),
          e);
    }
  }
}
