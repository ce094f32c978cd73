package io.promptyard.cli;

import io.promptyard.router.RouterApp;
import io.promptyard.usage.UsageAggregatorApp;
import io.promptyard.worker.WorkerApp;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code promptyard service NAME}: runs one service in the foreground against an existing Kafka
 * cluster.
 */
@Command(
    name = "service",
    mixinStandardHelpOptions = true,
    description = {
      "Run one Promptyard service in the foreground against an existing Kafka cluster.",
      "Configuration comes from PROMPTYARD_* environment variables (see docs/CONFIGURATION.md)."
    },
    footer = {
      "",
      "Examples:",
      "  PROMPTYARD_BOOTSTRAP_SERVERS=kafka:9092 promptyard service router",
      "  PROMPTYARD_BOOTSTRAP_SERVERS=kafka:9092 PROMPTYARD_REDIS_URL=redis://redis:6379 OPENAI_API_KEY=sk-… \\",
      "      PROMPTYARD_WORKER_PROVIDERS=openai promptyard service worker",
      "  PROMPTYARD_STATE_DIR=/var/lib/promptyard/usage promptyard service usage-aggregator"
    })
public final class ServiceCommand implements Callable<Integer> {

  @Parameters(paramLabel = "NAME", description = "router, worker or usage-aggregator")
  String name;

  @Override
  public Integer call() throws Exception {
    switch (name) {
      case "router" -> RouterApp.main(new String[0]);
      case "worker" -> WorkerApp.main(new String[0]);
      case "usage-aggregator" -> UsageAggregatorApp.main(new String[0]);
      default ->
          throw new IllegalArgumentException(
              "no service named '" + name + "'; use router, worker or usage-aggregator");
    }
    return 0;
  }
}
