package io.promptyard.schemas.kafka;

import io.promptyard.schemas.TeamGuardPolicy;

/**
 * The Kafka deserializer of {@link TeamGuardPolicy} records, to name in a client's {@code
 * value.deserializer}.
 */
public final class TeamGuardPolicyDeserializer extends PromptyardDeserializer<TeamGuardPolicy> {
  public TeamGuardPolicyDeserializer() {
    super(TeamGuardPolicy.class);
  }
}
