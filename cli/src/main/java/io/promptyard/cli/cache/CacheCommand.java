package io.promptyard.cli.cache;

import io.promptyard.cli.CommandGroup;
import io.promptyard.cli.OperatorAction;
import io.promptyard.cli.TopicScan;
import io.promptyard.schemas.SemanticCacheEntry;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.UndecodableRecordException;
import io.promptyard.worker.cache.CacheInvalidation;
import io.promptyard.worker.cache.CacheKey;
import java.io.PrintWriter;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import redis.clients.jedis.JedisPooled;

/**
 * {@code promptyard cache invalidate}: removes cached answers from the workers' shared Redis cache.
 */
@Command(
    name = "cache",
    mixinStandardHelpOptions = true,
    description = "Manage the workers' shared response cache and semantic cache.",
    subcommands = CacheCommand.Invalidate.class,
    footer = {
      "",
      "Examples:",
      "  promptyard cache invalidate --team search",
      "  promptyard cache invalidate --all"
    })
public final class CacheCommand extends CommandGroup {

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

    @Option(
        names = "--redis-url",
        paramLabel = "URL",
        description =
            "the workers' Redis (else env PROMPTYARD_REDIS_URL, else redis.url in the config file, "
                + "else redis://127.0.0.1:6379)")
    String redisFlag;

    @Override
    protected String act(PrintWriter out) {
      URI redisUrl = URI.create(connection.redisUrl(redisFlag));
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
}
