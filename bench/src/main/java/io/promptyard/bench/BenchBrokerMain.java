package io.promptyard.bench;

import io.promptyard.testkit.kafka.EmbeddedKafka;

/**
 * The broker JVM of {@code bench pipeline-external} when no {@code --bootstrap-server} is given:
 * one KRaft node from the testkit on a free port, which prints {@code READY <bootstrap servers>}
 * once it accepts clients and runs until the process is stopped.
 */
public final class BenchBrokerMain {

  private BenchBrokerMain() {}

  public static void main(String[] args) throws InterruptedException {
    EmbeddedKafka kafka = EmbeddedKafka.start();
    Runtime.getRuntime().addShutdownHook(new Thread(kafka::close));
    System.out.println("READY " + kafka.bootstrapServers());
    System.out.flush();
    Thread.currentThread().join();
  }
}
