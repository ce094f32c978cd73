package io.promptyard.worker.cache;

import io.promptyard.schemas.CacheScope;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.serde.RequestDigest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * A cache key: SHA-256 over the resolved provider and model, the messages and every parameter
 * (tools and response schema included), in the tenant's scope — a team's entries are invisible to
 * other teams unless a request asks for the shared scope.
 *
 * @param scope {@code team:NAME} or {@code shared}
 * @param model {@code provider/model}, so entries can be invalidated by model
 * @param digest hex SHA-256 of the answer-changing inputs
 */
public record CacheKey(String scope, String model, String digest) {

  private static final String PREFIX = "promptyard:cache:";

  /** The key for a request routed to {@code provider}/{@code model}. */
  public static CacheKey of(CompletionRequest request, String provider, String model) {
    boolean shared =
        request.getCache() != null && request.getCache().getScope() == CacheScope.SHARED;
    String scope = shared ? "shared" : "team:" + request.getTeam();
    return new CacheKey(scope, provider + "/" + model, digest(provider + "/" + model, request));
  }

  /**
   * Hex SHA-256 over {@code model}, the request's messages and its parameters (tools and response
   * schema included): the same for two requests that ask {@code model} the same thing.
   */
  public static String digest(String model, CompletionRequest request) {
    return RequestDigest.of(model, request.getMessages(), request.getParameters());
  }

  /**
   * The Redis key: {@code promptyard:cache:<scope>:<provider/model>:<digest>}, its parts escaped.
   */
  public String redisKey() {
    return PREFIX + escape(scope) + ":" + escape(model) + ":" + digest;
  }

  /** A Redis SCAN pattern matching every entry of one team (not the shared scope). */
  public static String teamPattern(String team) {
    return PREFIX + escape("team:" + team) + ":*";
  }

  /**
   * A SCAN pattern matching every entry of one model, {@code provider/model} or a bare model id, in
   * every scope.
   */
  public static String modelPattern(String model) {
    return PREFIX + "*:" + (model.contains("/") ? escape(model) : "*" + escape("/" + model)) + ":*";
  }

  /** A SCAN pattern matching every cache entry. */
  public static String allPattern() {
    return PREFIX + "*";
  }

  /**
   * Escapes a key part so that ':' cannot split it and Redis glob characters in team or model names
   * cannot widen an invalidation pattern (URL encoding, with '*' encoded too).
   */
  static String escape(String part) {
    return URLEncoder.encode(part, StandardCharsets.UTF_8).replace("*", "%2A");
  }
}
