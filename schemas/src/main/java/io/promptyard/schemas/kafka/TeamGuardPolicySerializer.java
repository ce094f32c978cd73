package io.promptyard.schemas.kafka;

import io.promptyard.schemas.TeamGuardPolicy;

/**
 * The Kafka serializer of {@link TeamGuardPolicy} records, to name in a client's {@code
 * value.serializer}.
 */
public final class TeamGuardPolicySerializer extends PromptyardSerializer<TeamGuardPolicy> {
  public TeamGuardPolicySerializer() {
    super(TeamGuardPolicy.class);
  }
}
