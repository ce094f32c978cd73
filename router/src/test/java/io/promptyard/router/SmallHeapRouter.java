package io.promptyard.router;

import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.testkit.hostile.HostileAvro;
import java.nio.charset.StandardCharsets;

/**
 * The router topology, exactly as it runs in production, on a {@link
 * org.apache.kafka.streams.TopologyTestDriver} in a JVM of its own, which {@link
 * RouterUnderSmallHeapIT} starts with {@code -Xmx256m}: it reads the hostile Avro records of {@link
 * HostileAvro}, then a valid request, and prints one {@code OUTCOME} line for each record that
 * comes out.
 */
final class SmallHeapRouter {

  private SmallHeapRouter() {}

  public static void main(String[] args) {
    try (RouterDriver router = new RouterDriver(TestCatalog.catalog())) {
      send(router, "messages-2^30", HostileAvro.messagesClaiming(1L << 30));
      send(router, "id-2^30", HostileAvro.idClaiming(1L << 30));
      send(router, "id-2^31", HostileAvro.idClaiming(1L << 31));
      send(router, "tags-2^30", HostileAvro.tagsClaiming(1L << 30));
      router.ask("valid-after-hostile", "team-a", "cheap", "");
      for (DeadLetter d : router.dlq.readValuesToList()) {
        System.out.println(
            "OUTCOME dead letter "
                + d.getErrorCode()
                + " "
                + d.getRequestId()
                + ": "
                + d.getErrorMessage());
      }
      for (CompletionResult r : router.results.readValuesToList()) {
        System.out.println("OUTCOME result " + r.getStatus() + " " + r.getId());
      }
      for (RoutedRequest r : router.allRouted("alpha", "beta", "gamma")) {
        System.out.println("OUTCOME routed " + r.getRequest().getId());
      }
    }
  }

  private static void send(RouterDriver router, String key, byte[] value) {
    router.avroIn.pipeInput(key.getBytes(StandardCharsets.UTF_8), value);
  }
}
