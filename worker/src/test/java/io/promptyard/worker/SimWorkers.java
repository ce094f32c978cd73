package io.promptyard.worker;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.provider.SimulatedProvider;
import io.promptyard.worker.job.Backoff;
import io.promptyard.worker.job.JobPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A worker configuration for tests: the simulated provider only, on the embedded broker, no Redis,
 * quick retries.
 */
final class SimWorkers {

  private SimWorkers() {}

  /**
   * One consumer taking up to 50 jobs per poll from {@code topics}' sim route, answered by {@code
   * sim}.
   */
  static WorkerConfig config(EmbeddedKafka kafka, Topics topics, SimulatedProvider sim) {
    ModelCatalog catalog =
        ModelCatalog.bundled()
            .withBaseUrl("sim", sim.baseUrl())
            .restrictTo(p -> p.name().equals("sim"));
    CommonConfig common =
        new CommonConfig(kafka.bootstrapServers(), topics, new TopicProvisioner(2, (short) 1));
    return WorkerConfig.builder(
            common,
            catalog,
            List.of("sim"),
            topics.prefix() + "workers",
            new JobPolicy(
                3,
                new Backoff(Duration.ofMillis(5), Duration.ofMillis(100)),
                Duration.ofHours(1),
                Duration.ofHours(1)))
        .consumers(1, 50)
        .build();
  }

  /** {@code config} with its cache and idempotency ledger in the Redis at {@code redis}. */
  static WorkerConfig withRedis(WorkerConfig c, java.net.URI redis) {
    return c.toBuilder().redis(Optional.of(redis)).build();
  }
}
