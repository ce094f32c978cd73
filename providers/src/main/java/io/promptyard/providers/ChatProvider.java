package io.promptyard.providers;

import java.util.List;
import java.util.function.Consumer;

/**
 * One LLM provider's chat-completion API behind one small interface. Implementations map the
 * neutral {@link ChatRequest} to the provider's wire format and back, and classify every failure
 * once into a {@link ProviderException}; provider JSON never leaves the adapter's package.
 */
public interface ChatProvider extends AutoCloseable {

  /** The provider's name as it appears in the catalog, e.g. {@code openai}. */
  String name();

  /** Sends the request and waits for the whole answer. */
  ChatResponse complete(ChatRequest request) throws ProviderException;

  /**
   * Sends the request in streaming mode, handing each delta to {@code onChunk} in order, and
   * returns the assembled answer, whose text equals the concatenation of the deltas.
   */
  ChatResponse stream(ChatRequest request, Consumer<ChatChunk> onChunk) throws ProviderException;

  /**
   * The ids ({@link ApiKeyPool#keyId}) of the API keys in rotation, for callers that choose the key
   * of each call ({@link ChatRequest#keyId()}) to keep limits and circuits per key; empty when the
   * adapter has no key pool.
   */
  default List<String> keyIds() {
    return List.of();
  }

  /**
   * Checks each API key in rotation with the provider's cheapest authenticated request (its models
   * list), and takes a key the provider refuses out of rotation as a refused call would. The
   * default: one NOT_CHECKED check, for adapters without such a request.
   */
  default List<KeyCheck> checkKeys() {
    return List.of(KeyCheck.notChecked(name(), "this adapter has no check of its credentials"));
  }

  @Override
  default void close() {}
}
