package io.promptyard.providers;

/**
 * A provider's moderation endpoint: whether a text falls in one of its moderation categories
 * (harassment, hate, self-harm, sexual, violence…). The worker's output moderation asks it about
 * answers before they are published.
 */
public interface ModerationProvider extends AutoCloseable {

  /**
   * The endpoint's verdict on {@code text}.
   *
   * @param requestId the request whose answer {@code text} is, for error messages
   * @throws ProviderException classified as a chat call's failure would be
   */
  ModerationVerdict moderate(String requestId, String text) throws ProviderException;

  /** Lets calls in flight finish, and accepts no new ones; by default there is nothing to close. */
  @Override
  default void close() {}
}
