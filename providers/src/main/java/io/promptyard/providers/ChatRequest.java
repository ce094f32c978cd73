package io.promptyard.providers;

import io.promptyard.schemas.Message;
import io.promptyard.schemas.Parameters;
import java.util.List;
import java.util.Objects;

/**
 * A provider-neutral chat request: the concrete model id at the provider, the messages and
 * parameters.
 *
 * @param requestId the Promptyard request id, for error messages and logs; never sent as a secret
 * @param model the model id as the provider knows it (without the provider prefix)
 * @param messages the conversation
 * @param parameters sampling, tools and response format; may be null
 * @param keyId which of the provider's API keys to call with ({@link ApiKeyPool#keyId}); null lets
 *     the adapter rotate; a key no longer in the pool is replaced by the next one
 */
public record ChatRequest(
    String requestId, String model, List<Message> messages, Parameters parameters, String keyId) {
  public ChatRequest {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(model, "model");
    messages = List.copyOf(messages);
  }

  /** A request the adapter picks a key for. */
  public ChatRequest(
      String requestId, String model, List<Message> messages, Parameters parameters) {
    this(requestId, model, messages, parameters, null);
  }
}
