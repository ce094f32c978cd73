package io.promptyard.testkit.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.SchemaParseException;

/**
 * An in-memory schema registry on a loopback port, serving the part of Confluent Schema Registry's
 * REST API that serializers and converters use, shaped as its API reference documents: {@code POST
 * /subjects/{subject}/versions} ({@code {"schema": "…"}} in, {@code {"id": N}} out; the same schema
 * gets the same id under any subject), {@code GET /schemas/ids/{id}} ({@code {"schema": "…"}}, or
 * 404 with {@code {"error_code": 40403, "message": "Schema not found"}}) and {@code GET
 * /subjects/{subject}/versions/latest}. No compatibility checks, no deletes, no authentication:
 * neither Confluent's registry nor Apicurio's can be started from Maven Central artifacts for a
 * test, so this stands in for them.
 */
public final class SchemaRegistryStub implements AutoCloseable {

  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final Pattern REGISTER = Pattern.compile("/subjects/([^/]+)/versions");
  private static final Pattern BY_ID = Pattern.compile("/schemas/ids/(\\d+)");
  private static final Pattern LATEST = Pattern.compile("/subjects/([^/]+)/versions/latest");

  private final ObjectMapper json = new ObjectMapper();
  private final HttpServer server;
  // guarded by this
  private final Map<String, Integer> idsByCanonicalForm = new HashMap<>();
  private final Map<Integer, String> schemasById = new HashMap<>();
  private final Map<String, List<Integer>> versionsBySubject = new LinkedHashMap<>();

  private SchemaRegistryStub(HttpServer server) {
    this.server = server;
  }

  /** Starts a registry on a free loopback port. */
  public static SchemaRegistryStub start() {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      SchemaRegistryStub stub = new SchemaRegistryStub(server);
      server.createContext("/", stub::handle);
      server.start();
      return stub;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the schema registry stub", e);
    }
  }

  /** The registry's base URL, for {@code PROMPTYARD_SCHEMA_REGISTRY_URL}. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Each subject registered so far with the ids of its versions, oldest first. */
  public synchronized Map<String, List<Integer>> subjects() {
    Map<String, List<Integer>> copy = new LinkedHashMap<>();
    versionsBySubject.forEach((subject, ids) -> copy.put(subject, List.copyOf(ids)));
    return copy;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      String method = exchange.getRequestMethod();
      Matcher m;
      if (method.equals("POST") && (m = REGISTER.matcher(path)).matches()) {
        register(exchange, URLDecoder.decode(m.group(1), StandardCharsets.UTF_8));
      } else if (method.equals("GET") && (m = BY_ID.matcher(path)).matches()) {
        byId(exchange, Integer.parseInt(m.group(1)));
      } else if (method.equals("GET") && (m = LATEST.matcher(path)).matches()) {
        latest(exchange, URLDecoder.decode(m.group(1), StandardCharsets.UTF_8));
      } else {
        answer(exchange, 404, Map.of("error_code", 404, "message", "HTTP 404 Not Found"));
      }
    }
  }

  private void register(HttpExchange exchange, String subject) throws IOException {
    JsonNode body = json.readTree(exchange.getRequestBody());
    String type = body.path("schemaType").asText("AVRO");
    Schema schema;
    try {
      if (!type.equals("AVRO")) {
        throw new SchemaParseException("only AVRO is served here, not " + type);
      }
      schema = new Schema.Parser().parse(body.path("schema").asText());
    } catch (SchemaParseException e) {
      answer(
          exchange,
          422,
          Map.of("error_code", 42201, "message", "Invalid schema: " + e.getMessage()));
      return;
    }
    int id;
    synchronized (this) {
      id =
          idsByCanonicalForm.computeIfAbsent(
              SchemaNormalization.toParsingForm(schema), f -> schemasById.size() + 1);
      schemasById.putIfAbsent(id, schema.toString());
      List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
      if (!versions.contains(id)) {
        versions.add(id);
      }
    }
    answer(exchange, 200, Map.of("id", id));
  }

  private void byId(HttpExchange exchange, int id) throws IOException {
    String schema;
    synchronized (this) {
      schema = schemasById.get(id);
    }
    if (schema == null) {
      answer(exchange, 404, Map.of("error_code", 40403, "message", "Schema not found"));
    } else {
      answer(exchange, 200, Map.of("schema", schema));
    }
  }

  private void latest(HttpExchange exchange, String subject) throws IOException {
    int version;
    int id;
    String schema;
    synchronized (this) {
      List<Integer> versions = versionsBySubject.get(subject);
      if (versions == null) {
        answer(exchange, 404, Map.of("error_code", 40401, "message", "Subject not found."));
        return;
      }
      version = versions.size();
      id = versions.getLast();
      schema = schemasById.get(id);
    }
    answer(
        exchange, 200, Map.of("subject", subject, "id", id, "version", version, "schema", schema));
  }

  private void answer(HttpExchange exchange, int status, Map<String, ?> body) throws IOException {
    byte[] bytes = json.writeValueAsBytes(body);
    exchange.getResponseHeaders().add("Content-Type", CONTENT_TYPE);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
