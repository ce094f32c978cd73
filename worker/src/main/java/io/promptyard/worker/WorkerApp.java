package io.promptyard.worker;

import io.promptyard.providers.ChatProvider;
import io.promptyard.providers.catalog.ProviderSpec;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.worker.cache.InMemoryResponseCache;
import io.promptyard.worker.cache.RedisResponseCache;
import io.promptyard.worker.cache.ResponseCache;
import io.promptyard.worker.idempotency.InMemoryResultLedger;
import io.promptyard.worker.idempotency.RedisResultLedger;
import io.promptyard.worker.idempotency.ResultLedger;
import io.promptyard.worker.job.JobProcessor;
import io.promptyard.worker.job.OutcomePublisher;
import io.promptyard.worker.retry.RetryRelay;
import io.promptyard.worker.source.ConsumerGroupJobSource;
import io.promptyard.worker.source.JobSource;
import io.promptyard.worker.source.ShareGroupJobSource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.UnifiedJedis;

/**
 * The worker service: share consumers on each served provider topic, a virtual thread per job, and the
 * cache and idempotency ledger in Redis (or in memory when no Redis is configured, which it logs).
 */
public final class WorkerApp implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(WorkerApp.class);

  private final List<JobSource> sources;
  private final RetryRelay relay;
  private final List<Thread> threads;
  private final ExecutorService jobs;
  private final KafkaProducer<String, byte[]> producer;
  private final Map<String, ChatProvider> providers;
  private final ResponseCache cache;
  private final UnifiedJedis redis;

  private WorkerApp(List<JobSource> sources, RetryRelay relay, List<Thread> threads, ExecutorService jobs,
      KafkaProducer<String, byte[]> producer, Map<String, ChatProvider> providers, ResponseCache cache, UnifiedJedis redis) {
    this.sources = sources;
    this.relay = relay;
    this.threads = threads;
    this.jobs = jobs;
    this.producer = producer;
    this.providers = providers;
    this.cache = cache;
    this.redis = redis;
  }

  /**
   * Starts the worker.
   *
   * @param providerFactory builds the adapter for a provider the first time a job needs it
   */
  public static WorkerApp start(WorkerConfig config, Function<ProviderSpec, ChatProvider> providerFactory) {
    Topics topics = config.common().topics();
    String bootstrap = config.common().bootstrapServers();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      List<String> owned = new ArrayList<>(List.of(topics.results(), topics.usage(), topics.deadLetters(), topics.chunks()));
      config.providers().forEach(p -> owned.add(topics.route(p)));
      config.providers().forEach(p -> owned.add(topics.retry(p)));
      config.common().provisioner().ensure(admin, owned);
      // A new share group starts at the latest offset by default; jobs routed before the first worker
      // started must not be skipped.
      admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, config.groupId()), List.of(
          new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET))))
          .all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("could not prepare topics and share group " + config.groupId() + ": " + e.getMessage(), e);
    }

    UnifiedJedis redis = config.redis().map(uri -> (UnifiedJedis) new JedisPooled(uri)).orElse(null);
    ResponseCache cache;
    ResultLedger ledger;
    if (redis != null) {
      String where = config.redis().get().getHost() + ":" + config.redis().get().getPort();
      try {
        redis.ping();
      } catch (RuntimeException e) {
        redis.close();
        throw new IllegalStateException("Redis at " + where + " does not answer (" + e.getMessage()
            + "); start it or unset PROMPTYARD_REDIS_URL to use in-memory stand-ins", e);
      }
      cache = new RedisResponseCache(redis, "redis://" + where);
      ledger = new RedisResultLedger(redis);
    } else {
      log.warn("no Redis configured: using the in-memory cache and idempotency ledger (not shared between workers)");
      cache = new InMemoryResponseCache(Clock.systemUTC());
      ledger = new InMemoryResultLedger();
    }

    Map<String, ChatProvider> providers = new ConcurrentHashMap<>();
    Function<String, ChatProvider> lookup = name -> providers.computeIfAbsent(name,
        n -> providerFactory.apply(config.catalog().provider(n).orElseThrow(
            () -> new IllegalStateException("provider " + n + " is not in the catalog"))));
    JobProcessor processor = new JobProcessor(config.catalog(), lookup, cache, ledger, config.policy(), Clock.systemUTC());
    KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new ByteArraySerializer());
    OutcomePublisher publisher = new OutcomePublisher(producer, topics);
    ExecutorService jobs = Executors.newVirtualThreadPerTaskExecutor();

    List<JobSource> sources = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (String provider : config.providers()) {
      for (int i = 0; i < config.consumersPerProvider(); i++) {
        JobSource source = newSource(config, topics.route(provider), processor, publisher, jobs);
        sources.add(source);
        threads.add(Thread.ofPlatform().name("worker-" + provider + "-" + i).start(source));
      }
    }
    RetryRelay relay = new RetryRelay(bootstrap, config.groupId() + "-retry", topics, config.providers(), producer, Clock.systemUTC());
    threads.add(Thread.ofPlatform().name("worker-retry-relay").start(relay));

    log.info("worker started: providers {}, {} consumers each, cache {}", config.providers(), config.consumersPerProvider(),
        cache.describe());
    return new WorkerApp(sources, relay, threads, jobs, producer, providers, cache, redis);
  }

  private static JobSource newSource(WorkerConfig config, String topic, JobProcessor processor, OutcomePublisher publisher,
      ExecutorService jobs) {
    String bootstrap = config.common().bootstrapServers();
    return switch (config.consumption()) {
      case SHARE -> new ShareGroupJobSource(bootstrap, config.groupId(), topic, config.maxPollRecords(), processor, publisher, jobs, 4);
      case GROUP -> new ConsumerGroupJobSource(bootstrap, config.groupId(), topic, config.maxPollRecords(),
          config.partitionWindow(), processor, publisher, jobs, 4);
    };
  }

  /** Runs the worker until the process is stopped; configuration and API keys come from the environment. */
  public static void main(String[] args) throws InterruptedException {
    Map<String, String> env = System.getenv();
    WorkerConfig config = WorkerConfig.from(new io.promptyard.schemas.config.Settings(env), env);
    io.promptyard.schemas.runtime.Services.runUntilStopped("worker",
        start(config, spec -> io.promptyard.providers.ChatProviders.create(spec, env)));
  }

  @Override
  public void close() {
    sources.forEach(JobSource::close);
    relay.close();
    for (Thread t : threads) {
      try {
        t.join(15_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    jobs.shutdownNow();
    producer.close(java.time.Duration.ofSeconds(10));
    providers.values().forEach(ChatProvider::close);
    cache.close();
    if (redis != null) {
      redis.close();
    }
  }
}
