package io.promptyard.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.promptyard.schemas.CompletionResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client against the requests and responses Confluent Schema Registry's API reference documents
 * (docs.confluent.io, "Schema Registry API Reference"): the answers below are its examples,
 * verbatim in shape.
 */
class HttpSchemaRegistryTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  record Seen(String method, String path, String contentType, String authorization, String body) {}

  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private String url;

  /** What the server answers per "METHOD path": status and body. */
  private final Map<String, Map.Entry<Integer, String>> answers =
      Map.of(
          "POST /subjects/promptyard.results-value/versions",
          Map.entry(200, "{\"id\":1}"),
          "GET /schemas/ids/1",
          Map.entry(200, "{\"schema\":\"{\\\"type\\\": \\\"string\\\"}\"}"),
          "GET /schemas/ids/2",
          Map.entry(200, "{\"schema\":\"syntax = \\\"proto3\\\";\",\"schemaType\":\"PROTOBUF\"}"),
          "GET /schemas/ids/99",
          Map.entry(404, "{\"error_code\":40403,\"message\":\"Schema not found\"}"),
          "GET /schemas/ids/500",
          Map.entry(500, "{\"error_code\":50001,\"message\":\"Error in the backend data store\"}"));

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::answer);
    server.start();
    url = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void answer(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String path = exchange.getRequestURI().getRawPath();
    seen.add(
        new Seen(
            exchange.getRequestMethod(),
            path,
            exchange.getRequestHeaders().getFirst("Content-Type"),
            exchange.getRequestHeaders().getFirst("Authorization"),
            body));
    Map.Entry<Integer, String> answer =
        answers.getOrDefault(
            exchange.getRequestMethod() + " " + path.replaceFirst("^/ccompat", ""),
            Map.entry(404, "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}"));
    byte[] bytes = answer.getValue().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
    exchange.sendResponseHeaders(answer.getKey(), bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Test
  void registeringPostsTheSchemaAsAStringUnderTheSubjectAndReadsTheId() throws IOException {
    Schema schema = CompletionResult.getClassSchema();

    int id = HttpSchemaRegistry.at(url).register("promptyard.results-value", schema);

    assertThat(id).isEqualTo(1);
    Seen post = seen.getFirst();
    assertThat(post.method()).isEqualTo("POST");
    assertThat(post.path()).isEqualTo("/subjects/promptyard.results-value/versions");
    assertThat(post.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
    JsonNode body = JSON.readTree(post.body());
    assertThat(body.size()).as("only the schema: AVRO is the default type").isEqualTo(1);
    assertThat(new Schema.Parser().parse(body.get("schema").asText())).isEqualTo(schema);
  }

  @Test
  void anIdIsLookedUpAtSchemasIds() {
    Schema schema = HttpSchemaRegistry.at(url + "/").schema(1);

    assertThat(schema).isEqualTo(Schema.create(Schema.Type.STRING));
    assertThat(seen.getFirst().method()).isEqualTo("GET");
    assertThat(seen.getFirst().path()).isEqualTo("/schemas/ids/1");
  }

  @Test
  void aRegistryUnderAPathIsAskedUnderIt() {
    HttpSchemaRegistry.at(url + "/ccompat").schema(1);

    assertThat(seen.getFirst().path()).isEqualTo("/ccompat/schemas/ids/1");
  }

  @Test
  void anUnknownIdSaysSoWithTheRegistrysErrorCode() {
    assertThatThrownBy(() -> HttpSchemaRegistry.at(url).schema(99))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessage(
            "schema id 99 is unknown to the Schema Registry at "
                + url
                + " (error 40403: Schema not found)");
  }

  @Test
  void aFailingRegistryIsNamedWithItsStatus() {
    assertThatThrownBy(() -> HttpSchemaRegistry.at(url).schema(500))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("answered HTTP 500 for schema id 500")
        .hasMessageContaining("50001");
  }

  @Test
  void aSchemaOfAnotherTypeIsRefused() {
    assertThatThrownBy(() -> HttpSchemaRegistry.at(url).schema(2))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("is PROTOBUF, not Avro");
  }

  @Test
  void credentialsInTheUrlGoAsBasicAuthenticationAndAreNeverShown() {
    HttpSchemaRegistry registry =
        HttpSchemaRegistry.at(url.replace("http://", "http://reader:s3cret@"));

    assertThatThrownBy(() -> registry.schema(99)).hasMessageNotContaining("s3cret");
    assertThat(registry.describe()).isEqualTo(url);
    assertThat(seen.getFirst().authorization()).isEqualTo("Basic cmVhZGVyOnMzY3JldA==");
  }

  @Test
  void aUrlThatIsNotHttpIsRefused() {
    assertThatThrownBy(() -> HttpSchemaRegistry.at("registry:8081"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HttpSchemaRegistry.at("ftp://registry:8081"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
