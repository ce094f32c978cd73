package io.promptyard.router;

import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.ingress.ProducerText;
import java.util.Optional;

/**
 * A request read from one team's own ingress topic, which Kafka ACLs let only that team's principal
 * write: the topic, not the body, says whose request it is. A body naming no team is the topic's
 * team's; one naming another team is refused, so that no producer can spend as, or read the cache
 * of, a team it does not belong to.
 *
 * @param team the team whose topic the request was read from
 * @param topic that topic
 */
record TeamIngress(String team, String topic) {

  /**
   * Why a request whose body names {@code claimed} may not go on: empty when it names no team or
   * this one. The claimed team is escaped, since a producer wrote it.
   */
  Optional<String> refusal(String claimed) {
    if (claimed == null || claimed.isEmpty() || claimed.equals(team)) {
      return Optional.empty();
    }
    return Optional.of(
        "the request names team '"
            + ProducerText.escape(claimed)
            + "' but was produced to team '"
            + team
            + "''s topic "
            + topic
            + ", which carries only that team's requests: leave the team out or name '"
            + team
            + "'");
  }

  /** {@code request} as this team's: what its budget, cache scope, usage and result go by. */
  CompletionRequest owning(CompletionRequest request) {
    return team.equals(request.getTeam())
        ? request
        : CompletionRequest.newBuilder(request).setTeam(team).build();
  }
}
