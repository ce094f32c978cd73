package io.promptyard.schemas.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpServer;
import io.promptyard.schemas.config.ConfigKey;
import io.promptyard.schemas.config.Settings;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** What a caller without, with a wrong and with the right token gets, and what the log says. */
class BearerGateTest {

  private static final String TOKEN = "s3cret-0123456789abcdef";
  private static final ConfigKey KEY = new ConfigKey("X_TOKEN", null, "the token");
  private static final ConfigKey FILE = new ConfigKey("X_TOKEN_FILE", null, "its file");

  private final HttpClient http = HttpClient.newHttpClient();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(BearerGate.class);
  private HttpServer server;

  @BeforeEach
  void serve() throws Exception {
    logs.start();
    logger.addAppender(logs);
    BearerGate gate =
        new BearerGate(HttpTokens.from(new Settings(Map.of("X_TOKEN", TOKEN)), KEY, FILE));
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          Optional<Access> access = gate.admit(ex);
          if (access.isPresent()) {
            byte[] body = access.get().toString().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
          }
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    logger.detachAppender(logs);
  }

  @Test
  void withoutATokenTheAnswerIs401WithABearerChallengeAndNothingIsLogged() throws Exception {
    HttpResponse<String> r = get(null);

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"promptyard\"");
    assertThat(r.body()).contains("Authorization: Bearer");
    assertThat(logs.list).isEmpty();
  }

  @Test
  void aWrongTokenIs401AndLoggedAsRejectedWithTheAddressButNotTheToken() throws Exception {
    HttpResponse<String> r = get("Bearer wrong-" + TOKEN);

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate"))
        .hasValue("Bearer realm=\"promptyard\", error=\"invalid_token\"");
    assertThat(logs.list).hasSize(1);
    String line = logs.list.get(0).getFormattedMessage();
    assertThat(line).contains("rejected").contains("127.0.0.1").doesNotContain(TOKEN);
  }

  @Test
  void theRightTokenIsLetThrough() throws Exception {
    HttpResponse<String> r = get("Bearer " + TOKEN);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(Access.FULL.toString());
    assertThat(logs.list).isEmpty();
  }

  private HttpResponse<String> get(String authorization) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/x"));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
