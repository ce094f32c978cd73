package io.promptyard.testkit.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatches every exchange to its endpoint after checking the API key, and turns failures into
 * error bodies.
 */
final class Routes implements HttpHandler {

  private static final Logger log = LoggerFactory.getLogger(Routes.class);
  private static final String BEARER = "Bearer ";

  private final ObjectMapper mapper;
  private final Optional<byte[]> apiKey;
  private final RequestIds ids;
  private final ChatCompletionsEndpoint chat;
  private final ModelsEndpoint models;
  private final ModerationsEndpoint moderations;
  private final LongAdder served = new LongAdder();
  private final LongAdder rateLimited = new LongAdder();

  Routes(ObjectMapper mapper, SimulatorConfig config) {
    this.mapper = mapper;
    this.apiKey = config.apiKey().map(key -> key.getBytes(StandardCharsets.UTF_8));
    this.ids = new RequestIds(config.seed());
    this.chat = new ChatCompletionsEndpoint(mapper, config, Clock.systemUTC());
    this.models = new ModelsEndpoint(mapper, config.modelIds());
    this.moderations = new ModerationsEndpoint(mapper, config.moderationMarker());
  }

  long served() {
    return served.sum();
  }

  long rateLimited() {
    return rateLimited.sum();
  }

  @Override
  public void handle(HttpExchange exchange) {
    RequestIds.Ids id = ids.next();
    // Counted as the answer goes out, not after: a client that has its answer finds it counted.
    // Model lists are not: they are a client's key check, not the workload a test counts.
    boolean counted = !exchange.getRequestURI().getPath().matches("(/v1)?/models(/.*)?");
    Reply reply =
        new Reply(exchange, mapper, id.requestId(), counted ? served::increment : () -> {});
    try {
      route(exchange, reply, id);
    } catch (ApiException e) {
      if (e.error().status() == 429) {
        rateLimited.increment();
      }
      send(reply, e.error(), id);
    } catch (IOException e) {
      log.debug(
          "Simulated provider could not finish response {}; the client probably went away",
          id.requestId(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("Simulated provider failed on request {}", id.requestId(), e);
      send(reply, ApiError.serverError(), id);
    } finally {
      if (!reply.answered() && counted) {
        served.increment();
      }
      exchange.close();
    }
  }

  private void route(HttpExchange exchange, Reply reply, RequestIds.Ids id)
      throws ApiException, IOException, InterruptedException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath().replaceAll("/+$", "");
    switch (path) {
      case "/v1/chat/completions", "/chat/completions" -> {
        requireMethod("POST", method, path);
        authenticate(exchange);
        chat.handle(exchange, reply, id.completionId());
      }
      case "/v1/moderations", "/moderations" -> {
        requireMethod("POST", method, path);
        authenticate(exchange);
        moderations.handle(exchange, reply, id.requestId());
      }
      case "/v1/models", "/models" -> {
        requireMethod("GET", method, path);
        authenticate(exchange);
        models.list(reply);
      }
      default -> {
        if (!path.startsWith("/v1/models/")) {
          throw new ApiException(ApiError.unknownUrl(method, path));
        }
        requireMethod("GET", method, path);
        authenticate(exchange);
        models.retrieve(reply, path.substring("/v1/models/".length()));
      }
    }
  }

  private static void requireMethod(String expected, String method, String path)
      throws ApiException {
    if (!expected.equals(method)) {
      throw new ApiException(ApiError.wrongMethod(method, path));
    }
  }

  /** Never echoes the presented key, not even masked: it may be a real key sent here by mistake. */
  private void authenticate(HttpExchange exchange) throws ApiException {
    if (apiKey.isEmpty()) {
      return;
    }
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      throw new ApiException(ApiError.missingApiKey());
    }
    byte[] presented = header.substring(BEARER.length()).strip().getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(presented, apiKey.get())) {
      throw new ApiException(ApiError.incorrectApiKey());
    }
  }

  private static void send(Reply reply, ApiError error, RequestIds.Ids id) {
    if (reply.sent()) {
      return;
    }
    try {
      reply.error(error);
    } catch (IOException e) {
      log.debug(
          "Simulated provider could not send error for {}; the client probably went away",
          id.requestId(),
          e);
    }
  }
}
