package io.promptyard.schemas.ingress;

/**
 * A request that was read but cannot be accepted as it is; it ends in a REJECTED result carrying
 * the reason. The id and team are whatever could be read, so the rejection can still be correlated.
 */
public final class InvalidRequestException extends RuntimeException {
  private final String requestId;
  private final String team;

  public InvalidRequestException(String requestId, String team, String reason) {
    super(reason);
    this.requestId = requestId;
    this.team = team;
  }

  public String requestId() {
    return requestId;
  }

  public String team() {
    return team;
  }
}
