package io.promptyard.usage.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import io.promptyard.schemas.http.Access;
import io.promptyard.schemas.http.BearerGate;
import io.promptyard.schemas.http.HttpTokens;
import io.promptyard.schemas.runtime.OperationsServer;
import io.promptyard.schemas.runtime.ServiceHttpServer;
import io.promptyard.usage.query.Peers.Answer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The aggregator's HTTP side: the query API ({@link UsageApi}), the dashboard page, {@code
 * /metrics} and {@code /health}. Served by the JDK's HTTP server on virtual threads. When tokens
 * are configured, the API needs one and {@code /metrics} the full-access one; {@code /health} (for
 * orchestrator probes) and the dashboard's static files (which ask for the token) stay open.
 */
public final class QueryServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(QueryServer.class);
  static final ObjectMapper JSON = new ObjectMapper();
  private static final String DASHBOARD = "/io/promptyard/usage/dashboard/";

  /** Where uPlot's files are in its webjar, or null when the webjar is not on the classpath. */
  private static final String UPLOT = webjar("uplot");

  /** The files the page is made of: path served → classpath resource. */
  private static final Map<String, String> STATIC =
      Map.of(
          "/",
          DASHBOARD + "index.html",
          "/index.html",
          DASHBOARD + "index.html",
          "/dashboard.js",
          DASHBOARD + "dashboard.js",
          "/charts.js",
          DASHBOARD + "charts.js",
          "/dashboard.css",
          DASHBOARD + "dashboard.css",
          "/uplot/uPlot.min.js",
          UPLOT + "dist/uPlot.iife.min.js",
          "/uplot/uPlot.min.css",
          UPLOT + "dist/uPlot.min.css",
          "/uplot/LICENSE",
          UPLOT + "LICENSE");

  /** What {@code /health} reports: whether the aggregator runs, and its Kafka Streams state. */
  public record Health(boolean up, String state) {
    /** {@code {"status":"UP"|"DOWN","state":…}}, 200 when up and 503 otherwise. */
    OperationsServer.Health answer() {
      return new OperationsServer.Health(
          up, toJson(Map.of("status", up ? "UP" : "DOWN", "state", state)));
    }
  }

  private final ServiceHttpServer server;
  private volatile UsageApi api;

  private QueryServer(ServiceHttpServer server) {
    this.server = server;
  }

  /**
   * Binds the port (0 picks a free one) on every interface and serves without a token; the API
   * answers 503 until {@link #serve} hands it over.
   */
  public static QueryServer start(int port, Supplier<String> metrics, Supplier<Health> health) {
    return start("0.0.0.0", port, HttpTokens.NONE, metrics, health);
  }

  /**
   * Binds the port (0 picks a free one) of {@code bindAddress} ({@code 0.0.0.0} is every interface)
   * and serves to callers with the {@code tokens}; the API answers 503 until {@link #serve} hands
   * it over. {@code /metrics} and {@code /health} are the {@link OperationsServer}'s.
   */
  public static QueryServer start(
      String bindAddress,
      int port,
      HttpTokens tokens,
      Supplier<String> metrics,
      Supplier<Health> health) {
    BearerGate gate = new BearerGate(tokens);
    ServiceHttpServer server =
        ServiceHttpServer.bind(
            bindAddress, port, "the usage API", "choose a free port or 0 for any");
    OperationsServer.addTo(server, gate, metrics, () -> health.get().answer());
    QueryServer qs = new QueryServer(server);
    server.createContext("/api/", ex -> qs.api(ex, gate));
    server.createContext("/", ex -> handle(ex, () -> dashboardFile(ex.getRequestURI().getPath())));
    server.start();
    return qs;
  }

  public int port() {
    return server.port();
  }

  /** The address and port the server listens on. */
  public InetSocketAddress address() {
    return server.address();
  }

  /** Starts answering API calls with {@code usageApi}. */
  public void serve(UsageApi usageApi) {
    this.api = usageApi;
  }

  /** Answers an API call of a caller whose token the gate admits; the gate answers the others. */
  private void api(HttpExchange ex, BearerGate gate) throws IOException {
    Optional<Access> access = gate.admit(ex);
    if (access.isEmpty()) {
      return;
    }
    Caller caller =
        new Caller(
            access.get(), Optional.ofNullable(ex.getRequestHeaders().getFirst("Authorization")));
    handle(
        ex,
        () -> {
          UsageApi current = api;
          if (current == null) {
            return Reply.json(
                503, Map.of("error", "the aggregator is starting; try again in a moment"));
          }
          return current.answer(
              ex.getRequestURI().getPath(), query(ex.getRequestURI().getRawQuery()), caller);
        });
  }

  private static Reply dashboardFile(String path) throws IOException {
    String resource = STATIC.get(path);
    if (resource == null) {
      return Reply.json(404, Map.of("error", "no page at " + path + "; the dashboard is at /"));
    }
    try (InputStream in = QueryServer.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            resource
                + " is missing from the aggregator's classpath; the build that made it is broken");
      }
      String type =
          resource.endsWith(".html")
              ? "text/html; charset=utf-8"
              : resource.endsWith(".js")
                  ? "text/javascript; charset=utf-8"
                  : resource.endsWith(".css")
                      ? "text/css; charset=utf-8"
                      : "text/plain; charset=utf-8";
      return new Reply(200, type, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /**
   * The folder of an npm webjar's files, {@code /META-INF/resources/webjars/<name>/<version>/},
   * with the version the webjar itself states; null when it is not on the classpath.
   */
  private static String webjar(String name) {
    String properties = "/META-INF/maven/org.webjars.npm/" + name + "/pom.properties";
    try (InputStream in = QueryServer.class.getResourceAsStream(properties)) {
      if (in == null) {
        return null;
      }
      Properties p = new Properties();
      p.load(in);
      return "/META-INF/resources/webjars/" + name + "/" + p.getProperty("version") + "/";
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + properties, e);
    }
  }

  static Map<String, String> query(String raw) {
    Map<String, String> params = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.put(k, v);
    }
    return params;
  }

  /** A response: status, content type and body. */
  record Reply(int status, String type, String body) {
    static Reply json(int status, Object value) {
      return new Reply(status, "application/json", toJson(value));
    }

    static Reply of(Answer answer) {
      return new Reply(answer.status(), "application/json", answer.body());
    }
  }

  /** Something that computes a reply and may fail. */
  interface ReplySource {
    Reply get() throws Exception;
  }

  private static void handle(HttpExchange ex, ReplySource source) throws IOException {
    Reply reply;
    if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
      ex.getResponseHeaders().add("Allow", "GET, HEAD");
      reply = Reply.json(405, Map.of("error", "use GET"));
    } else {
      try {
        reply = source.get();
      } catch (IllegalArgumentException e) {
        reply = Reply.json(400, Map.of("error", e.getMessage()));
      } catch (InvalidStateStoreException e) {
        reply =
            Reply.json(
                503,
                Map.of(
                    "error",
                    "the aggregator's state is being restored or rebalanced; try again: "
                        + e.getMessage()));
      } catch (Exception e) {
        log.warn("{} failed", ex.getRequestURI(), e);
        reply = Reply.json(500, Map.of("error", String.valueOf(e.getMessage())));
      }
    }
    byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", reply.type());
    ex.getResponseHeaders().add("Cache-Control", "no-store");
    boolean head = "HEAD".equals(ex.getRequestMethod());
    ex.sendResponseHeaders(reply.status(), head ? -1 : bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      if (!head) {
        out.write(bytes);
      }
    }
  }

  private static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode parse(String body) throws IOException {
    return JSON.readTree(body);
  }

  @Override
  public void close() {
    server.close();
  }
}
