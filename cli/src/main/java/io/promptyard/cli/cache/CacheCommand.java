package io.promptyard.cli.cache;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.cli.CatalogOption;
import io.promptyard.cli.CommandGroup;
import io.promptyard.cli.OperatorAction;
import io.promptyard.cli.OutputOption;
import io.promptyard.cli.Progress;
import io.promptyard.cli.TopicScan;
import io.promptyard.schemas.SemanticCacheEntry;
import io.promptyard.schemas.SemanticPause;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.UndecodableRecordException;
import io.promptyard.semanticcache.LazyEmbedder;
import io.promptyard.worker.cache.CacheInvalidation;
import io.promptyard.worker.cache.CacheKey;
import io.promptyard.worker.cache.CacheWarmer;
import io.promptyard.worker.cache.RedisResponseCache;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import redis.clients.jedis.JedisPooled;

/**
 * {@code promptyard cache invalidate}: removes cached answers from the workers' shared Redis cache
 * and semantic cache; {@code promptyard cache warm}: fills both with answers already known; {@code
 * promptyard cache resume}: lifts a team's semantic pause.
 */
@Command(
    name = "cache",
    mixinStandardHelpOptions = true,
    description = "Manage the workers' shared response cache and semantic cache.",
    subcommands = {
      CacheCommand.Invalidate.class,
      CacheCommand.Warm.class,
      CacheCommand.Resume.class
    },
    footer = {
      "",
      "Examples:",
      "  promptyard cache invalidate --team search",
      "  promptyard cache invalidate --all",
      "  promptyard cache warm known-answers.jsonl",
      "  promptyard cache resume --team search"
    })
public final class CacheCommand extends CommandGroup {

  /**
   * Lifts a team's semantic pause: an operator's record on the semantic-pauses topic, which the
   * workers apply and the usage aggregator reads to judge the team again on new samples only.
   */
  @Command(
      name = "resume",
      mixinStandardHelpOptions = true,
      description =
          "Let a team's semantic-mode requests be answered from the semantic cache again after the"
              + " usage aggregator paused it for its observed false hits; its false-hit rate starts"
              + " again from new shadow verifications.",
      footer = {"", "Examples:", "  promptyard cache resume --team search"})
  static final class Resume extends OperatorAction {

    @Option(names = "--team", required = true, paramLabel = "TEAM", description = "the team")
    String team;

    @Override
    protected String act(PrintWriter out) throws Exception {
      if (team.isBlank()) {
        throw new IllegalArgumentException("TEAM must not be blank");
      }
      SemanticPause resume =
          SemanticPause.newBuilder()
              .setTeam(team)
              .setPaused(false)
              .setDecidedBy("operator")
              .setReason("semantic mode resumed by an operator")
              .setDecidedAt(connection.clock().instant())
              .build();
      aboutToAct();
      String topic = connection.topics().semanticPauses();
      connection.publish(topic, team, AvroSerde.of(SemanticPause.class).encode(topic, resume));
      String outcome =
          "semantic mode of team "
              + team
              + " resumed on "
              + topic
              + "; its false-hit rate starts again from new shadow verifications";
      out.println(outcome);
      return outcome;
    }
  }

  /** Removes entries by team, by model, or all of them. */
  @Command(
      name = "invalidate",
      mixinStandardHelpOptions = true,
      description =
          "Remove cached answers of one team, of one model (in every scope), or all of them: from"
              + " Redis, and from every worker's semantic cache (tombstones on its topic).",
      footer = {
        "",
        "Examples:",
        "  promptyard cache invalidate --team search",
        "  promptyard cache invalidate --model openai/gpt-4o-mini",
        "  promptyard cache invalidate --all",
        "  promptyard cache invalidate --model gpt-4o --redis-url redis://cache.internal:6379"
      })
  static final class Invalidate extends OperatorAction {

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target {
      @Option(
          names = "--team",
          paramLabel = "TEAM",
          description = "entries of this team (its shared-scope entries stay)")
      String team;

      @Option(
          names = "--model",
          paramLabel = "MODEL",
          description = "entries of provider/model, or of a model id at any provider")
      String model;

      @Option(names = "--all", description = "every cached answer")
      boolean all;

      /** The keys of the entries to remove. */
      String pattern() {
        return team != null
            ? CacheKey.teamPattern(team)
            : model != null ? CacheKey.modelPattern(model) : CacheKey.allPattern();
      }

      /** Whether a semantic cache entry is one to remove. */
      boolean matches(SemanticCacheEntry e) {
        return team != null
            ? team.equals(e.getTeam())
            : model == null
                || (model.contains("/")
                    ? model.equals(e.getModel())
                    : e.getModel().endsWith("/" + model));
      }

      /** The entries to remove, in words, for the outcome line. */
      String description() {
        return team != null
            ? "team " + team
            : model != null ? "model " + model : "all teams and models";
      }
    }

    @Mixin RedisUrlOption redisUrlOption;

    @Override
    protected String act(PrintWriter out) {
      URI redisUrl = redisUrlOption.resolve(connection);
      aboutToAct();
      try (JedisPooled redis = new JedisPooled(redisUrl)) {
        long removed = CacheInvalidation.invalidate(redis, target.pattern());
        String outcome =
            "removed "
                + removed
                + " cached answer(s) of "
                + target.description()
                + " from "
                + redisUrl.getHost()
                + ":"
                + redisUrl.getPort()
                + "; "
                + invalidateSemantic();
        out.println(outcome);
        return outcome;
      } catch (redis.clients.jedis.exceptions.JedisConnectionException e) {
        throw new IllegalStateException(
            "Redis at "
                + redisUrl.getHost()
                + ":"
                + redisUrl.getPort()
                + " does not answer; pass --redis-url or set PROMPTYARD_REDIS_URL",
            e);
      }
    }

    /**
     * Writes a tombstone on the semantic-cache topic for every live entry the target matches: each
     * worker drops it from its index as it reads it, and compaction drops it from the topic.
     */
    private String invalidateSemantic() {
      String topic = connection.topics().semanticCache();
      AvroSerde<SemanticCacheEntry> serde = AvroSerde.of(SemanticCacheEntry.class);
      Map<String, Boolean> live = new LinkedHashMap<>();
      try {
        TopicScan.read(
            connection.kafkaClientConfig(),
            topic,
            r -> {
              if (r.key() == null) {
                return;
              }
              if (r.value() == null) {
                live.remove(r.key());
                return;
              }
              try {
                live.put(r.key(), target.matches(serde.decode(r.value())));
              } catch (UndecodableRecordException e) {
                live.remove(r.key());
              }
            });
      } catch (IllegalStateException e) {
        return "no semantic cache topic " + topic;
      }
      List<String> doomed =
          live.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(
              connection.kafkaProperties().clientConfig(Map.of()),
              new StringSerializer(),
              new ByteArraySerializer())) {
        for (String id : doomed) {
          producer.send(new ProducerRecord<>(topic, id, null));
        }
        producer.flush();
      }
      return "removed " + doomed.size() + " semantic cache entr(ies) from " + topic;
    }
  }

  /** Fills the caches with known answers. */
  @Command(
      name = "warm",
      mixinStandardHelpOptions = true,
      description = {
        "Fill the workers' exact cache (Redis) and, for requests in semantic mode, every worker's"
            + " semantic cache (its topic) with answers already known, without a provider call.",
        "Each line of FILE.jsonl pairs a request with its answer:",
        "  {\"request\": {CHAT-COMPLETIONS BODY with metadata.team, or a batch input line},",
        "   \"answer\": {\"content\": \"...\", \"model\": \"provider/model\","
            + " \"usage\": {\"prompt_tokens\": N, \"completion_tokens\": N}}}",
        "Or --from-batch BATCH_ID: the answers that batch paid for, from its results, each with its"
            + " request as the worker keyed it (from the route topics, while they retain it).",
        "Requests a worker would not cache (cache mode bypass or read_only, a template) are"
            + " skipped with the reason, as are a batch's cache hits and failures; a bad line is"
            + " reported with its number and the others go on. Output: a summary (--output json:"
            + " warmed_exact, warmed_semantic, skipped by reason, errors)."
      },
      footer = {
        "",
        "Examples:",
        "  promptyard cache warm known-answers.jsonl",
        "  promptyard cache warm known-answers.jsonl --redis-url redis://cache.internal:6379",
        "  promptyard cache warm known-answers.jsonl --output json",
        "  promptyard cache warm --from-batch nightly-2026-11-23"
      })
  static final class Warm extends OperatorAction {

    @Parameters(
        paramLabel = "FILE.jsonl",
        arity = "0..1",
        description = "lines of {\"request\": …, \"answer\": …}")
    Path file;

    @Option(
        names = "--from-batch",
        paramLabel = "BATCH_ID",
        description =
            "instead of a file: the answers batch BATCH_ID paid for (its results), with the"
                + " requests as the workers keyed them (from the route topics, while they retain"
                + " them)")
    String fromBatch;

    @Mixin RedisUrlOption redisUrlOption;

    @Mixin CatalogOption catalog;

    @Mixin OutputOption output;

    @Override
    protected String act(PrintWriter out) throws Exception {
      if ((file == null) == (fromBatch == null)) {
        throw new IllegalArgumentException(
            "give FILE.jsonl or --from-batch BATCH_ID (one of them)");
      }
      if (file != null && !Files.isReadable(file)) {
        throw new IllegalArgumentException("cannot read " + file);
      }
      ModelCatalog models = catalog.load();
      Duration ttl = connection.workerCacheTtl();
      URI redisUrl = redisUrlOption.resolve(connection);
      String where = redisUrl.getHost() + ":" + redisUrl.getPort();
      String topic = connection.topics().semanticCache();
      aboutToAct();
      WarmSummary summary;
      try (JedisPooled redis = new JedisPooled(redisUrl);
          RedisResponseCache cache = new RedisResponseCache(redis, "redis://" + where);
          Producer<String, byte[]> producer =
              connection
                  .clients()
                  .producer(
                      connection
                          .kafkaProperties()
                          .idempotentProducerConfig(
                              Map.of(
                                  ProducerConfig.COMPRESSION_TYPE_CONFIG,
                                  "zstd",
                                  ProducerConfig.MAX_BLOCK_MS_CONFIG,
                                  15_000)))) {
        ping(redis, where);
        ensureTopic(topic);
        CacheWarmer warmer =
            new CacheWarmer(
                models, cache, LazyEmbedder.miniLm(), producer, topic, ttl, connection.clock());
        summary = file != null ? warmFile(warmer) : warmBatch(warmer);
        producer.flush();
        if (cache.unavailable()) {
          throw new IllegalStateException(
              "Redis at " + where + " stopped answering while warming; run the command again");
        }
        summary.failedWrites(warmer.failedWrites());
      }
      String text = summary.text(where, topic);
      if (output.json()) {
        output.document(out, summary.document());
      } else {
        out.println(text);
      }
      if (summary.errors() > 0 || summary.failedWrites() > 0) {
        throw new IllegalArgumentException(summary.problems());
      }
      return text;
    }

    /** Warms the file's lines, reporting a bad one with its number. */
    private WarmSummary warmFile(CacheWarmer warmer) throws java.io.IOException {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      WarmSummary summary = new WarmSummary("file", file.toString(), "lines", lines.size());
      PrintWriter err = err();
      Progress progress = new Progress(err, "warming", lines.size());
      String name = file.getFileName().toString();
      for (int i = 0; i < lines.size(); i++) {
        int number = i + 1;
        String text = i == 0 ? lines.get(i).replaceFirst("^\uFEFF", "") : lines.get(i);
        if (!text.isBlank()) {
          try {
            WarmLine line = WarmLine.parse(text, "warm:" + name + ":" + number);
            if (line.request().getTemplate() != null) {
              summary.skipped(
                  "uses a template: the router renders it, so its cache key is not known here");
            } else {
              summary.add(
                  warmer.warm(line.request(), line.provider(), line.model(), line.answer()));
            }
          } catch (WarmLine.BadLine | IllegalArgumentException e) {
            err.println("line " + number + ": " + e.getMessage());
            summary.error("line", number, e.getMessage());
          }
        }
        progress.update(number);
      }
      return summary;
    }

    /** Warms the answers the batch paid for. */
    private WarmSummary warmBatch(CacheWarmer warmer) {
      BatchAnswers.Found found =
          BatchAnswers.read(
              connection.clients(), connection.kafkaClientConfig(), connection.topics(), fromBatch);
      if (found.results() == 0) {
        throw new IllegalArgumentException(
            "no results of batch " + fromBatch + " on " + connection.topics().results());
      }
      WarmSummary summary = new WarmSummary("batch", fromBatch, "results", found.results());
      found.skipped().forEach((reason, n) -> summary.skipped(reason, n));
      PrintWriter err = err();
      Progress progress = new Progress(err, "warming", found.known().size());
      int done = 0;
      for (BatchAnswers.Known k : found.known()) {
        try {
          summary.add(warmer.warm(k.request(), k.provider(), k.model(), k.answer()));
        } catch (IllegalArgumentException e) {
          err.println("request " + k.request().getId() + ": " + e.getMessage());
          summary.error("request_id", k.request().getId(), e.getMessage());
        }
        progress.update(++done);
      }
      return summary;
    }

    /** Fails, before anything is warmed, when the semantic cache topic cannot be seen. */
    private void ensureTopic(String topic) {
      try (Admin admin = connection.clients().admin(connection.kafkaClientConfig())) {
        admin.describeTopics(List.of(topic)).allTopicNames().get();
      } catch (ExecutionException e) {
        throw new IllegalStateException(
            "the semantic cache topic "
                + topic
                + " cannot be used ("
                + e.getCause().getMessage()
                + "); a worker or promptyard topics create makes it; nothing was warmed",
            e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while checking the topic " + topic, e);
      }
    }

    private static void ping(JedisPooled redis, String where) {
      try {
        redis.ping();
      } catch (redis.clients.jedis.exceptions.JedisException e) {
        throw new IllegalStateException(
            "Redis at "
                + where
                + " does not answer; pass --redis-url or set PROMPTYARD_REDIS_URL; nothing was"
                + " warmed",
            e);
      }
    }
  }
}
