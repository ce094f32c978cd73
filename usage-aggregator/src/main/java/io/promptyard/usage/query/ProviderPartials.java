package io.promptyard.usage.query;

import com.fasterxml.jackson.core.type.TypeReference;
import io.promptyard.schemas.UsageTotals;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.usage.query.QueryServer.Reply;
import io.promptyard.usage.totals.Totals;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Provider × model totals across instances: each instance holds its partitions' share only, so the
 * instance asked gathers the others' shares ({@code scope=local} calls, answered Avro-encoded so
 * that latency histograms travel whole) and merges them.
 */
final class ProviderPartials {

  private final Peers peers;
  private final AvroSerde<UsageTotals> totalsSerde = AvroSerde.of(UsageTotals.class);

  ProviderPartials(Peers peers) {
    this.peers = peers;
  }

  /** A {@code scope=local} answer: this instance's partials, Avro-encoded. */
  Reply reply(List<UsageTotals> partials) {
    Base64.Encoder b64 = Base64.getEncoder();
    return Reply.json(
        200,
        Map.of(
            "partials",
            partials.stream().map(t -> b64.encodeToString(totalsSerde.encode(t))).toList()));
  }

  /**
   * This instance's {@code partials} with every other instance's answer to {@code localCall},
   * merged per provider model and period, latency histograms included.
   */
  List<UsageTotals> mergedWithPeers(
      List<UsageTotals> partials, String localCall, Caller caller, List<String> unreachable)
      throws IOException {
    List<UsageTotals> all = new ArrayList<>(partials);
    for (String body : peers.askOthers(localCall, caller, unreachable)) {
      Map<String, List<String>> decoded =
          QueryServer.JSON.readValue(body, new TypeReference<>() {});
      decoded
          .get("partials")
          .forEach(s -> all.add(totalsSerde.decode(Base64.getDecoder().decode(s))));
    }
    Map<String, Totals> merged = new TreeMap<>();
    all.forEach(p -> LocalQueries.mergeInto(merged, p.getKey() + "|" + p.getPeriodStart(), p));
    return merged.values().stream().map(Totals::toRecord).toList();
  }
}
