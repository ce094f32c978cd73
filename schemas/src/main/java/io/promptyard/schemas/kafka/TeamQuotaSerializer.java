package io.promptyard.schemas.kafka;

import io.promptyard.schemas.TeamQuota;

/**
 * The Kafka serializer of {@link TeamQuota} records, to name in a client's {@code
 * value.serializer}.
 */
public final class TeamQuotaSerializer extends PromptyardSerializer<TeamQuota> {
  public TeamQuotaSerializer() {
    super(TeamQuota.class);
  }
}
