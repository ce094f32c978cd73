package io.promptyard.usage.query;

import io.promptyard.usage.UsageTopology;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The other aggregator instances, as Kafka Streams knows them from each one's {@code
 * application.server}: who owns a team's partition, and how to ask them over HTTP.
 */
public final class Peers {

  /** A peer's answer: its status and body. */
  public record Answer(int status, String body) {}

  private final KafkaStreams streams;
  private final HostInfo self;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  public Peers(KafkaStreams streams, HostInfo self) {
    this.streams = streams;
    this.self = self;
  }

  public HostInfo self() {
    return self;
  }

  /** The instance that holds the team's totals (active), or null while the group is rebalancing. */
  public HostInfo owner(String team) {
    KeyQueryMetadata meta =
        streams.queryMetadataForKey(UsageTopology.TOTALS_STORE, team, Serdes.String().serializer());
    if (meta == null
        || meta == KeyQueryMetadata.NOT_AVAILABLE
        || meta.activeHost() == null
        || meta.activeHost().equals(HostInfo.unavailable())) {
      return null;
    }
    return meta.activeHost();
  }

  /** Every other instance of this application. */
  public List<HostInfo> others() {
    Set<String> seen = new TreeSet<>();
    return streams.metadataForAllStreamsClients().stream()
        .map(m -> m.hostInfo())
        .filter(h -> !h.equals(self) && seen.add(h.host() + ":" + h.port()))
        .toList();
  }

  /** GETs {@code pathAndQuery} from a peer on behalf of {@code caller}, with its token. */
  public Answer get(HostInfo peer, String pathAndQuery, Caller caller)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://" + peer.host() + ":" + peer.port() + pathAndQuery))
            .timeout(Duration.ofSeconds(10))
            .GET();
    caller.authorization().ifPresent(a -> request.header("Authorization", a));
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), response.body());
  }

  /**
   * GETs {@code pathAndQuery} from every other instance on behalf of {@code caller}: the bodies of
   * those that answered 200; each one that did not is added to {@code unreachable} with the reason.
   */
  public List<String> askOthers(String pathAndQuery, Caller caller, List<String> unreachable) {
    List<String> bodies = new ArrayList<>();
    for (HostInfo peer : others()) {
      try {
        Answer a = get(peer, pathAndQuery, caller);
        if (a.status() == 200) {
          bodies.add(a.body());
        } else {
          unreachable.add(name(peer) + " (HTTP " + a.status() + ")");
        }
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        unreachable.add(name(peer) + " (" + e.getClass().getSimpleName() + ")");
      }
    }
    return bodies;
  }

  public static String name(HostInfo h) {
    return h.host() + ":" + h.port();
  }
}
