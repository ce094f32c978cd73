package io.promptyard.providers.openai;

/** Carries a {@link Failure} from deep in a call up to the adapter, which classifies it once. */
final class FailedCall extends Exception {
  private final transient Failure failure;

  FailedCall(Failure failure) {
    super(null, null, false, false);
    this.failure = failure;
  }

  Failure failure() {
    return failure;
  }
}
