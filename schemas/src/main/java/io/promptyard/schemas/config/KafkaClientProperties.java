package io.promptyard.schemas.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Standard Kafka client properties the operator sets — security (SASL, TLS), timeouts — read once
 * at start-up from a properties file ({@link #CONFIG}) and {@code PROMPTYARD_KAFKA_*} environment
 * variables ({@link #PROPERTY}), and laid under every Kafka client a service builds. The service's
 * own settings go on top: a user property never changes one its correctness depends on.
 *
 * @param values property name to value; the environment's values override the file's
 */
public record KafkaClientProperties(Map<String, String> values) {

  public static final ConfigKey CONFIG =
      new ConfigKey(
          "PROMPTYARD_KAFKA_CONFIG",
          null,
          "path of a Kafka client properties file (security.protocol, sasl.*, ssl.*, timeouts) for every Kafka client");

  /** A family of variables, one per property; its name ends in {@code *}. */
  public static final ConfigKey PROPERTY =
      new ConfigKey(
          "PROMPTYARD_KAFKA_*",
          null,
          "one Kafka client property, overriding the file's: the rest of the name lower-cased, _ read as . and __ as _");

  /** The keys above, for documentation and checks. */
  public static final List<ConfigKey> KEYS = List.of(CONFIG, PROPERTY);

  /** What a secret's value is logged as. */
  public static final String HIDDEN = "[hidden]";

  private static final String PREFIX = PROPERTY.name().substring(0, PROPERTY.name().length() - 1);

  /**
   * The words that make a property's value secret wherever they appear in its name; the audit trail
   * hides command-line values by the same words.
   */
  public static final List<String> SECRET_WORDS =
      List.of("password", "jaas", "secret", "token", "key");

  /** No properties: clients get the service's own settings only. */
  public static final KafkaClientProperties NONE = new KafkaClientProperties(Map.of());

  public KafkaClientProperties {
    values = Map.copyOf(values);
  }

  /** Only the bootstrap servers: a broker that needs no security settings (dev, tests). */
  public static KafkaClientProperties bootstrapOnly(String bootstrapServers) {
    return NONE.with("bootstrap.servers", bootstrapServers);
  }

  /**
   * The file named by {@link #CONFIG}, if any, then the {@code PROMPTYARD_KAFKA_*} variables of
   * {@code environment} over it.
   *
   * @throws ConfigException naming the key when the file is missing or unreadable, or a variable
   *     names no property
   */
  public static KafkaClientProperties from(Map<String, String> environment) {
    Map<String, String> values = new HashMap<>();
    String file = environment.get(CONFIG.name());
    if (file != null && !file.isBlank()) {
      values.putAll(load(Path.of(file.trim()), CONFIG.name()).values());
    }
    environment.forEach(
        (name, value) -> {
          if (name.startsWith(PREFIX) && !name.equals(CONFIG.name()) && !value.isBlank()) {
            values.put(propertyName(name), value.trim());
          }
        });
    return new KafkaClientProperties(values);
  }

  /**
   * The properties of a Java properties file.
   *
   * @param source what named the file (a variable or a flag), for the error message
   * @throws ConfigException naming {@code source} when the file is missing or unreadable
   */
  public static KafkaClientProperties load(Path file, String source) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new ConfigException(
          source
              + "="
              + file
              + ": the Kafka client properties file does not exist or cannot be read");
    }
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException(
          source
              + "="
              + file
              + ": cannot read the Kafka client properties file: "
              + e.getMessage());
    }
    Map<String, String> values = new HashMap<>();
    for (String name : p.stringPropertyNames()) {
      values.put(name, p.getProperty(name).trim());
    }
    return new KafkaClientProperties(values);
  }

  /**
   * The Kafka property a {@code PROMPTYARD_KAFKA_*} variable sets, mapped as Confluent's Docker
   * images map {@code KAFKA_*}: {@code PROMPTYARD_KAFKA_SASL_JAAS_CONFIG} sets {@code
   * sasl.jaas.config}, and a double underscore stands for one ({@code ..._A__B} sets {@code a_b}).
   */
  public static String propertyName(String variable) {
    String rest = variable.substring(PREFIX.length());
    if (rest.isEmpty()) {
      throw new ConfigException(variable + " names no Kafka property: " + PROPERTY.doc());
    }
    StringBuilder name = new StringBuilder(rest.length());
    for (int i = 0; i < rest.length(); i++) {
      char c = rest.charAt(i);
      if (c != '_') {
        name.append(Character.toLowerCase(c));
      } else if (i + 1 < rest.length() && rest.charAt(i + 1) == '_') {
        name.append('_');
        i++;
      } else {
        name.append('.');
      }
    }
    return name.toString();
  }

  /** Whether a property's value is to be hidden wherever it is shown (passwords, JAAS, keys). */
  public static boolean isSecret(String property) {
    String name = property.toLowerCase(Locale.ROOT);
    return SECRET_WORDS.stream().anyMatch(name::contains);
  }

  /** These properties with {@code others} over them. */
  public KafkaClientProperties overriddenBy(KafkaClientProperties others) {
    Map<String, String> merged = new HashMap<>(values);
    merged.putAll(others.values());
    return new KafkaClientProperties(merged);
  }

  /** These properties with one set (or replaced), e.g. the bootstrap servers a service is given. */
  public KafkaClientProperties with(String property, String value) {
    Map<String, String> merged = new HashMap<>(values);
    merged.put(property, value);
    return new KafkaClientProperties(merged);
  }

  /**
   * A client's configuration: these properties, then {@code own} over them — the settings the
   * client's correctness depends on (idempotence, isolation level, group id), which no user
   * property may change.
   */
  public Map<String, Object> clientConfig(Map<String, ?> own) {
    Map<String, Object> config = new HashMap<>(values);
    config.putAll(own);
    return config;
  }

  /**
   * The configuration of a producer whose sends, once acknowledged, are neither lost nor written
   * twice: {@link #clientConfig} with {@code acks=all} and idempotence, then {@code own} over them.
   */
  public Map<String, Object> idempotentProducerConfig(Map<String, ?> own) {
    Map<String, Object> config =
        clientConfig(
            Map.of(
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true));
    config.putAll(own);
    return config;
  }

  /**
   * A consumer of Promptyard's records — string keys (request id, team, provider), Avro or JSON
   * bytes as values — configured by {@link #clientConfig} with {@code own} over it.
   */
  public KafkaConsumer<String, byte[]> consumer(Map<String, ?> own) {
    return new KafkaConsumer<>(
        clientConfig(own), new StringDeserializer(), new ByteArrayDeserializer());
  }

  /** The properties in name order, each secret's value {@value #HIDDEN}: what may be logged. */
  public Map<String, String> redacted() {
    Map<String, String> shown = new TreeMap<>();
    values.forEach((k, v) -> shown.put(k, isSecret(k) ? HIDDEN : v));
    return shown;
  }

  /** The redacted properties, so that no secret reaches a log through this record. */
  @Override
  public String toString() {
    return redacted().toString();
  }
}
