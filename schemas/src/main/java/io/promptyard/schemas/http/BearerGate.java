package io.promptyard.schemas.http;

import com.sun.net.httpserver.HttpExchange;
import io.promptyard.schemas.ingress.ProducerText;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a request to a service's HTTP endpoints (JDK HTTP server) through by its bearer token, or
 * answers it 401 with {@code WWW-Authenticate: Bearer}. A wrong token is logged as rejected with
 * the caller's address; no token is ever logged.
 */
public final class BearerGate {

  private static final Logger log = LoggerFactory.getLogger(BearerGate.class);
  private static final String REALM = "Bearer realm=\"promptyard\"";

  private final HttpTokens tokens;

  public BearerGate(HttpTokens tokens) {
    this.tokens = tokens;
  }

  /**
   * The caller's access, or empty once the request has been answered 401 (no token, or one this
   * service does not accept).
   */
  public Optional<Access> admit(HttpExchange exchange) throws IOException {
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    Optional<Access> access = tokens.access(authorization);
    if (access.isPresent()) {
      return access;
    }
    if (authorization == null) {
      refuse(exchange, REALM, "this endpoint needs a token: send Authorization: Bearer <token>");
    } else {
      log.warn(
          "HTTP bearer token rejected from {} ({} {})",
          exchange.getRemoteAddress().getAddress().getHostAddress(),
          exchange.getRequestMethod(),
          ProducerText.escape(exchange.getRequestURI().getPath()));
      refuse(exchange, REALM + ", error=\"invalid_token\"", "the token was not accepted; check it");
    }
    return Optional.empty();
  }

  private static void refuse(HttpExchange exchange, String challenge, String message)
      throws IOException {
    byte[] body =
        ("{\"error\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8); // fixed text only
    exchange.getResponseHeaders().add("WWW-Authenticate", challenge);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.getResponseHeaders().add("Cache-Control", "no-store");
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(401, head ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      if (!head) {
        out.write(body);
      }
    }
  }
}
