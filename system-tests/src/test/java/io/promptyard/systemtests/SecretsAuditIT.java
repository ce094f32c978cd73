package io.promptyard.systemtests;

import static io.promptyard.testkit.local.LocalService.REDIS;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.ModelSpec;
import io.promptyard.catalog.ParamRules;
import io.promptyard.catalog.ProviderSpec;
import io.promptyard.client.batch.BatchInput;
import io.promptyard.dev.BatchRun;
import io.promptyard.dev.DevStack;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.UsageEvent;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.testkit.kafka.TopicContents;
import io.promptyard.testkit.local.Needs;
import io.promptyard.testkit.provider.FaultMix;
import io.promptyard.testkit.provider.LatencyDistribution;
import io.promptyard.testkit.provider.SimulatorConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * API keys never leave the process that holds them: after a batch through the whole stack
 * (successes, 5xx with retries, 429s, 400s and a refused key ending as dead letters, streamed
 * answers, Redis for cache, ledger and rate limits), neither the valid key nor the refused one
 * appears, raw or base64- or hex-encoded, in any log event of the JVM, any record (key, value,
 * header) of any topic, or any Redis key or value.
 */
@Needs(REDIS)
class SecretsAuditIT {

  private static final org.slf4j.Logger log = LoggerFactory.getLogger(SecretsAuditIT.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final URI REDIS =
      URI.create(System.getenv().getOrDefault("PROMPTYARD_REDIS_URL", "redis://127.0.0.1:6379"));
  private static final int GOOD_JOBS = 200;
  private static final int STALE_JOBS = 20;

  private final String run = UUID.randomUUID().toString().substring(0, 8);

  /** The simulator's key; the provider entry "auditsim" reads it from the environment. */
  private final String validKey =
      "sk-audit-SECRET-" + UUID.randomUUID().toString().replace("-", "");

  /**
   * A revoked key; the provider entry "auditstale" sends it to the same simulator and is refused
   * with 401.
   */
  private final String staleKey = "sk-audit-STALE-" + UUID.randomUUID().toString().replace("-", "");

  @Test
  void noApiKeyAppearsInAnyLogLineTopicRecordOrRedisValue() throws Exception {
    SecretScanner scanner = new SecretScanner(List.of(validKey, staleKey));
    ScanningAppender logs = ScanningAppender.attach(scanner);
    // 150/min at the simulator against 1,200/min in the catalog: the burst past 150 meets 429s with
    // Retry-After.
    SimulatorConfig simulator =
        SimulatorConfig.defaults()
            .withApiKey(validKey)
            .withRequestsPerMinute(150)
            .withLatency(LatencyDistribution.fixed(20))
            .withErrorRate(0.15)
            .withFaults(new FaultMix(0.03, 0, 0))
            .withSeed(4);
    DevStack.Options options =
        DevStack.Options.defaults()
            .withRedis(Optional.of(REDIS))
            .withEnvironment(
                Map.of(
                    "PROMPTYARD_AUDIT_SIM_KEY", validKey, "PROMPTYARD_AUDIT_STALE_KEY", staleKey))
            .withSimulator(simulator)
            .withSimulatedProviders(catalog(), List.of("auditsim", "auditstale"));
    try (JedisPooled redis = new JedisPooled(REDIS)) {
      try {
        try (DevStack stack = DevStack.start(options)) {
          List<BatchInput.Line> lines = new ArrayList<>();
          for (int i = 0; i < GOOD_JOBS; i++) {
            lines.add(
                line("g" + i, "auditsim/sim-mini", i % 3 == 0, "Question " + i + " for the audit"));
          }
          for (int i = 0; i < STALE_JOBS; i++) {
            lines.add(
                line(
                    "s" + i,
                    "auditstale/sim-mini",
                    false,
                    "Question " + i + " with a revoked key"));
          }

          BatchRun.Report report =
              BatchRun.run(stack, lines, Duration.ofMinutes(4), n -> {}, n -> {});

          // The batch went every way the audit means to cover.
          assertThat(report.results()).hasSize(GOOD_JOBS + STALE_JOBS);
          Map<String, CompletionResult> results = report.results();
          assertThat(results.values())
              .filteredOn(r -> r.getStatus() == ResultStatus.SUCCEEDED)
              .hasSizeGreaterThan(GOOD_JOBS / 2);
          assertThat(results.values())
              .filteredOn(r -> r.getAttempts() > 1)
              .as("retried jobs")
              .isNotEmpty();
          assertThat(results.values())
              .filteredOn(r -> r.getId().startsWith(run + "-s"))
              .allSatisfy(
                  r -> assertThat(r.getError().getCode()).isEqualTo(ErrorCode.AUTHENTICATION));
          List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
          Set<String> topics;
          try (var admin = stack.kafka().admin()) {
            topics = admin.listTopics().names().get();
          }
          for (String topic : topics) {
            if (!topic.startsWith("__")) {
              records.addAll(TopicContents.readAll(stack.bootstrapServers(), topic));
            }
          }
          assertThat(records)
              .extracting(ConsumerRecord::topic)
              .contains(
                  stack.topics().deadLetters(),
                  stack.topics().chunks(),
                  stack.topics().usage(),
                  stack.topics().providerHealth());
          assertThat(simulatorAnswered429(records, stack)).as("429s from the simulator").isTrue();

          records.forEach(scanner::check);
          assertThat(logs.events()).as("log events captured").isGreaterThan(GOOD_JOBS);
          log.info(
              "audit: {} log events, {} records in {} topics ({} on the retry topics) checked",
              logs.events(),
              records.size(),
              topics.size(),
              records.stream().filter(r -> r.topic().endsWith(".retry")).count());
        }
        int keys = scanRedis(redis, scanner, this::isOurs);
        assertThat(keys).as("Redis keys written by the stack").isPositive();
        log.info(
            "audit: {} Redis keys written by this run checked (and every other key in the database)",
            keys);
      } finally {
        logs.detach();
        cleanUp(redis);
      }
    }
    assertThat(scanner.leaks()).as("places where an API key appeared").isEmpty();
  }

  @Test
  void theScannerFindsAKeyRawInHexOrInBase64AtAnyOffset() {
    SecretScanner scanner = new SecretScanner(List.of(validKey));
    for (int pad = 0; pad < 3; pad++) {
      byte[] wrapped =
          ("x".repeat(pad) + "Authorization: Bearer " + validKey + " trailing")
              .getBytes(StandardCharsets.UTF_8);
      scanner.check("base64 " + pad, Base64.getEncoder().encode(wrapped));
      scanner.check(
          "url-safe base64 " + pad, Base64.getUrlEncoder().withoutPadding().encode(wrapped));
    }
    scanner.check("raw", ("{\"key\":\"" + validKey + "\"}").getBytes(StandardCharsets.UTF_8));
    scanner.check("hex", HexFormat.of().formatHex(validKey.getBytes(StandardCharsets.UTF_8)));
    scanner.check("clean", "sk-…" + validKey.substring(validKey.length() - 4));

    assertThat(scanner.leaks()).hasSize(8).noneMatch(l -> l.startsWith("clean"));
  }

  /**
   * The bundled sim models offered by two entries: one whose key the simulator takes, one whose key
   * it refuses.
   */
  private static ModelCatalog catalog() {
    ModelCatalog bundled = ModelCatalog.bundled();
    ProviderSpec good =
        new ProviderSpec(
            "auditsim",
            "openai-compatible",
            "http://127.0.0.1:1/v1",
            List.of("PROMPTYARD_AUDIT_SIM_KEY"),
            null,
            true,
            Map.of("requestsPerMinute", "1200"));
    ProviderSpec stale =
        new ProviderSpec(
            "auditstale",
            "openai-compatible",
            "http://127.0.0.1:1/v1",
            List.of("PROMPTYARD_AUDIT_STALE_KEY"),
            null,
            true,
            Map.of());
    List<ModelSpec> models = new ArrayList<>();
    for (ModelSpec m : bundled.models()) {
      if (m.provider().equals("sim")) {
        models.add(
            new ModelSpec(
                good.name(),
                m.id(),
                List.of(),
                m.contextWindow(),
                m.maxOutputTokens(),
                m.capabilities(),
                m.prices(),
                m.cacheTtl(),
                ParamRules.NONE));
        models.add(
            new ModelSpec(
                stale.name(),
                m.id(),
                List.of(),
                m.contextWindow(),
                m.maxOutputTokens(),
                m.capabilities(),
                m.prices(),
                m.cacheTtl(),
                ParamRules.NONE));
      }
    }
    return new ModelCatalog(List.of(good, stale), models);
  }

  private BatchInput.Line line(String n, String model, boolean stream, String question) {
    String id = run + "-" + n;
    ObjectNode body =
        JSON.createObjectNode().put("model", model).put("max_tokens", 24).put("stream", stream);
    body.putArray("messages").addObject().put("role", "user").put("content", question);
    body.putObject("metadata")
        .put("team", "audit-" + run)
        .put("request_id", id)
        .put("custom_id", id);
    return new BatchInput.Line(0, id, id, body);
  }

  private static boolean simulatorAnswered429(
      List<ConsumerRecord<byte[], byte[]>> records, DevStack stack) {
    AvroSerde<UsageEvent> usage = AvroSerde.of(UsageEvent.class);
    return records.stream()
        .filter(r -> r.topic().equals(stack.topics().usage()))
        .anyMatch(r -> usage.decode(r.value()).getErrorCode() == ErrorCode.RATE_LIMITED);
  }

  /**
   * Every key of the Redis database, its name and whatever it holds; returns how many keys are
   * {@code ours}.
   */
  static int scanRedis(JedisPooled redis, SecretScanner scanner, Predicate<String> ours) {
    String cursor = ScanParams.SCAN_POINTER_START;
    int count = 0;
    do {
      ScanResult<byte[]> page =
          redis.scan(cursor.getBytes(StandardCharsets.UTF_8), new ScanParams().count(1000));
      cursor = page.getCursor();
      for (byte[] key : page.getResult()) {
        String name = new String(key, StandardCharsets.UTF_8);
        if (ours.test(name)) {
          count++;
        }
        String where = "Redis key " + name;
        scanner.check(where, key);
        switch (redis.type(key)) {
          case "string" -> scanner.check(where, redis.get(key));
          case "hash" ->
              redis
                  .hgetAll(key)
                  .forEach(
                      (f, v) -> {
                        scanner.check(where + " field", f);
                        scanner.check(where + " value", v);
                      });
          case "zset" -> redis.zrange(key, 0, -1).forEach(m -> scanner.check(where + " member", m));
          case "set" -> redis.smembers(key).forEach(m -> scanner.check(where + " member", m));
          case "list" ->
              redis.lrange(key, 0, -1).forEach(m -> scanner.check(where + " element", m));
          default -> {} // expired between SCAN and TYPE ("none"), or a type the stack does not
            // write
        }
      }
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    return count;
  }

  private boolean isOurs(String key) {
    return key.startsWith("promptyard:")
        && (key.contains("audit-" + run)
            || key.contains("{auditsim}")
            || key.contains("{auditstale}"));
  }

  private void cleanUp(JedisPooled redis) {
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page =
          redis.scan(cursor, new ScanParams().match("promptyard:*").count(1000));
      cursor = page.getCursor();
      List<String> mine = page.getResult().stream().filter(this::isOurs).toList();
      if (!mine.isEmpty()) {
        redis.del(mine.toArray(String[]::new));
      }
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
  }

  /**
   * Looks for the secrets, raw and in base64 (any alignment, standard and URL alphabets) and hex,
   * in bytes.
   */
  static final class SecretScanner {
    private final List<byte[]> needles = new ArrayList<>();
    private final ConcurrentLinkedQueue<String> leaks = new ConcurrentLinkedQueue<>();

    SecretScanner(List<String> secrets) {
      for (String secret : secrets) {
        byte[] raw = secret.getBytes(StandardCharsets.UTF_8);
        needles.add(raw);
        needles.add(HexFormat.of().formatHex(raw).getBytes(StandardCharsets.US_ASCII));
        for (int shift = 0; shift < 3; shift++) {
          for (Base64.Encoder encoder : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
            needles.add(base64Core(encoder, raw, shift));
          }
        }
      }
    }

    /**
     * The base64 characters that depend only on the secret when it starts {@code shift} bytes into
     * a 3-byte group: whatever surrounds it, an encoding of it contains these.
     */
    private static byte[] base64Core(Base64.Encoder encoder, byte[] raw, int shift) {
      byte[] shifted = new byte[shift + raw.length];
      System.arraycopy(raw, 0, shifted, shift, raw.length);
      String encoded = encoder.withoutPadding().encodeToString(shifted);
      int from = shift == 0 ? 0 : 4;
      int whole = (shifted.length / 3) * 4;
      return encoded.substring(from, whole).getBytes(StandardCharsets.US_ASCII);
    }

    void check(String where, byte[] haystack) {
      if (haystack == null) {
        return;
      }
      for (byte[] needle : needles) {
        if (indexOf(haystack, needle) >= 0) {
          leaks.add(
              where
                  + ": "
                  + new String(haystack, StandardCharsets.UTF_8)
                      .replace(new String(needle, StandardCharsets.UTF_8), "<KEY>"));
          return;
        }
      }
    }

    /** A record's key, value, and each header's name and value. */
    void check(ConsumerRecord<byte[], byte[]> r) {
      String where = "topic " + r.topic() + " partition " + r.partition() + " offset " + r.offset();
      check(where + " key", r.key());
      check(where + " value", r.value());
      for (Header h : r.headers()) {
        check(where + " header " + h.key(), h.key().getBytes(StandardCharsets.UTF_8));
        check(where + " header " + h.key(), h.value());
      }
    }

    void check(String where, String text) {
      if (text != null) {
        check(where, text.getBytes(StandardCharsets.UTF_8));
      }
    }

    List<String> leaks() {
      return List.copyOf(leaks);
    }

    static int indexOf(byte[] haystack, byte[] needle) {
      outer:
      for (int i = 0; i + needle.length <= haystack.length; i++) {
        for (int j = 0; j < needle.length; j++) {
          if (haystack[i + j] != needle[j]) {
            continue outer;
          }
        }
        return i;
      }
      return -1;
    }
  }

  /**
   * Checks every log event as it happens: the formatted message, its arguments, MDC, and the whole
   * stack trace.
   */
  static final class ScanningAppender extends AppenderBase<ILoggingEvent> {
    private final SecretScanner scanner;
    private final AtomicLong events = new AtomicLong();
    private final Logger root;
    private final Logger ours;
    private final Level before;

    private ScanningAppender(SecretScanner scanner, LoggerContext context) {
      this.scanner = scanner;
      this.root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
      this.ours = context.getLogger("io.promptyard");
      this.before = ours.getLevel();
    }

    /** Scans every log event of the JVM, Promptyard's down to DEBUG, until {@link #detach}. */
    static ScanningAppender attach(SecretScanner scanner) {
      LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
      ScanningAppender logs = new ScanningAppender(scanner, context);
      logs.setContext(context);
      logs.start();
      logs.root.addAppender(logs);
      logs.ours.setLevel(Level.DEBUG);
      return logs;
    }

    /** Stops scanning, and puts Promptyard's log level back. */
    void detach() {
      root.detachAppender(this);
      ours.setLevel(before);
    }

    @Override
    protected void append(ILoggingEvent e) {
      events.incrementAndGet();
      String where =
          "log event " + e.getLevel() + " " + e.getLoggerName() + " [" + e.getThreadName() + "]";
      scanner.check(where, e.getFormattedMessage());
      if (e.getArgumentArray() != null) {
        for (Object arg : e.getArgumentArray()) {
          scanner.check(where + " argument", String.valueOf(arg));
        }
      }
      e.getMDCPropertyMap().forEach((k, v) -> scanner.check(where + " MDC " + k, v));
      if (e.getThrowableProxy() != null) {
        scanner.check(where + " throwable", ThrowableProxyUtil.asString(e.getThrowableProxy()));
      }
    }

    long events() {
      return events.get();
    }
  }
}
