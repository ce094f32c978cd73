package io.promptyard.schemas.kafka;

import io.promptyard.schemas.TeamQuota;

/**
 * The Kafka deserializer of {@link TeamQuota} records, to name in a client's {@code
 * value.deserializer}.
 */
public final class TeamQuotaDeserializer extends PromptyardDeserializer<TeamQuota> {
  public TeamQuotaDeserializer() {
    super(TeamQuota.class);
  }
}
