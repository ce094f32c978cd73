package io.promptyard.providers.http;

import io.promptyard.catalog.ImageUrlPolicy;
import io.promptyard.catalog.ProviderSpec;
import io.promptyard.providers.ApiKeyPool;
import io.promptyard.providers.ChatChunk;
import io.promptyard.providers.ChatProvider;
import io.promptyard.providers.ChatRequest;
import io.promptyard.providers.ChatResponse;
import io.promptyard.providers.HttpTimeouts;
import io.promptyard.providers.KeyCheck;
import io.promptyard.providers.ProviderException;
import io.promptyard.schemas.ContentPart;
import io.promptyard.schemas.Message;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The base of the adapters that speak JSON over HTTP: blocking and streamed calls go through one
 * {@link HttpChatCall} with the provider's key pool, and every failure is classified once by the
 * adapter's {@link ErrorClassifier}. An adapter supplies the {@link HttpChatCall.Wire} for a
 * request and its classifier.
 */
public abstract class HttpChatProvider implements ChatProvider {

  private final String name;
  private final ApiKeyPool keys;
  private final boolean keyRequired;
  private final HttpChatCall http;
  private final ErrorClassifier errors;
  private final ImageUrlPolicy imageUrls;

  protected HttpChatProvider(
      ProviderSpec spec, ApiKeyPool keys, HttpTimeouts timeouts, ErrorClassifier errors) {
    this.name = spec.name();
    this.keys = keys;
    this.keyRequired = spec.keyRequired();
    this.http = new HttpChatCall(timeouts, spec.maxResponseBytes());
    this.errors = errors;
    this.imageUrls = spec.imageUrls();
  }

  /**
   * How this provider sends {@code request} and reads its answer: the request body is written here,
   * the answer is read by the {@link HttpChatCall.Wire} returned. Public so that the wire codec can
   * be measured (the bench module's codec benchmarks) and exercised without a call.
   *
   * @throws FailedCall when the request cannot be expressed for this provider; no HTTP call is made
   */
  public abstract HttpChatCall.Wire wire(ChatRequest request, boolean stream) throws FailedCall;

  /**
   * The provider's models-list request with {@code key} (if any) in its authentication header: the
   * cheapest request that proves a key, which {@link #checkKeys} sends with each key.
   *
   * @throws FailedCall when the request cannot be made with this key
   */
  protected abstract ProviderRequest modelsList(Optional<String> key) throws FailedCall;

  @Override
  public List<KeyCheck> checkKeys() {
    return new KeyProbe(name, keys, http, errors).checkAll(keyRequired, this::modelsList);
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final ChatResponse complete(ChatRequest request) throws ProviderException {
    return call(request, null);
  }

  @Override
  public final ChatResponse stream(ChatRequest request, Consumer<ChatChunk> onChunk)
      throws ProviderException {
    return call(request, onChunk);
  }

  @Override
  public List<String> keyIds() {
    return keys.keyIds();
  }

  /** Lets calls in flight finish, and accepts no new ones. */
  @Override
  public void close() {
    http.close();
  }

  private ChatResponse call(ChatRequest request, Consumer<ChatChunk> onChunk)
      throws ProviderException {
    try {
      refuseImageUrls(request);
      return http.call(keys, request.keyId(), keyRequired, wire(request, onChunk != null), onChunk);
    } catch (FailedCall f) {
      throw errors.classify(f.failure(), name, request.requestId(), keys);
    }
  }

  /**
   * The router refuses these already; this holds for jobs that reach the worker by other paths (a
   * replayed dead letter, an older router), since a self-hosted server fetches image URLs itself.
   */
  private void refuseImageUrls(ChatRequest request) throws FailedCall {
    for (int i = 0; i < request.messages().size(); i++) {
      Message m = request.messages().get(i);
      for (ContentPart p : m.getParts()) {
        if ("image_url".equals(p.getType())) {
          Optional<String> refusal = imageUrls.refusal(p.getImageUrl());
          if (refusal.isPresent()) {
            throw FailedCall.unsendable("message " + i + " has " + refusal.get());
          }
        }
      }
    }
  }
}
