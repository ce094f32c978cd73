package io.promptyard.providers.http;

/** Carries a {@link Failure} from deep in a call up to the adapter, which classifies it once. */
public final class FailedCall extends Exception {
  private final transient Failure failure;

  public FailedCall(Failure failure) {
    super(null, null, false, false);
    this.failure = failure;
  }

  public Failure failure() {
    return failure;
  }
}
