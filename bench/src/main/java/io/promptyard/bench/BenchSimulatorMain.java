package io.promptyard.bench;

import io.promptyard.testkit.provider.LatencyDistribution;
import io.promptyard.testkit.provider.SimulatedProvider;
import io.promptyard.testkit.provider.SimulatorConfig;

/**
 * The provider JVM of {@code bench pipeline-external --simulator-latency-ms MS}: the testkit's
 * simulated OpenAI-compatible server on a free port, answering every request after {@code MS}
 * milliseconds; it prints {@code READY <base URL>} and runs until the process is stopped.
 */
public final class BenchSimulatorMain {

  private BenchSimulatorMain() {}

  public static void main(String[] args) throws InterruptedException {
    long latency = Long.parseLong(args[0]);
    SimulatedProvider simulator =
        SimulatedProvider.start(
            SimulatorConfig.defaults()
                .withLatency(
                    latency == 0
                        ? LatencyDistribution.none()
                        : LatencyDistribution.fixed(latency)));
    Runtime.getRuntime().addShutdownHook(new Thread(simulator::close));
    System.out.println("READY " + simulator.baseUrl());
    System.out.flush();
    Thread.currentThread().join();
  }
}
