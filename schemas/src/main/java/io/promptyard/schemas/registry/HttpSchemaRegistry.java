package io.promptyard.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.schemas.serde.JsonMappers;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A {@link SchemaRegistry} over the REST API of Confluent Schema Registry, which Apicurio Registry
 * (its {@code /apis/ccompat/v7} path) and Karapace also serve: {@code POST
 * /subjects/{subject}/versions} with {@code {"schema": "…"}} answers {@code {"id": N}}, and {@code
 * GET /schemas/ids/{id}} answers {@code {"schema": "…"}}, or 404 with error code 40403 for an
 * unknown id. User and password in the URL ({@code https://user:secret@registry:8081}) are sent as
 * HTTP basic authentication and never appear in a message. Every call is bounded by a timeout, so a
 * registry that does not answer fails the record instead of holding its consumer.
 */
public final class HttpSchemaRegistry implements SchemaRegistry {

  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = JsonMappers.mapper();

  private final URI base;
  private final String shown;
  private final Optional<String> authorization;
  private final HttpClient http;

  private HttpSchemaRegistry(URI base, String shown, Optional<String> authorization) {
    this.base = base;
    this.shown = shown;
    this.authorization = authorization;
    this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
  }

  /**
   * The registry at {@code url}, an http or https URL, optionally with user and password.
   *
   * @throws IllegalArgumentException when {@code url} is not such a URL
   */
  public static HttpSchemaRegistry at(String url) {
    URI uri;
    try {
      uri = URI.create(url.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a URL", e);
    }
    if (uri.getScheme() == null
        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
        || uri.getHost() == null) {
      throw new IllegalArgumentException("not an http or https URL");
    }
    Optional<String> authorization =
        Optional.ofNullable(uri.getRawUserInfo())
            .map(
                u ->
                    "Basic "
                        + Base64.getEncoder()
                            .encodeToString(
                                java.net.URLDecoder.decode(u, StandardCharsets.UTF_8)
                                    .getBytes(StandardCharsets.UTF_8)));
    String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
    URI base =
        URI.create(
            uri.getScheme()
                + "://"
                + uri.getHost()
                + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + path);
    return new HttpSchemaRegistry(base, base.toString(), authorization);
  }

  @Override
  public int register(String subject, Schema schema) {
    String body;
    try {
      body = JSON.writeValueAsString(Map.of("schema", schema.toString()));
    } catch (IOException e) {
      throw new SchemaRegistryException("cannot write the registration of " + subject, e);
    }
    String path = "/subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8) + "/versions";
    JsonNode answer =
        call(
            request(path).POST(HttpRequest.BodyPublishers.ofString(body)),
            "registering the schema of subject " + subject);
    JsonNode id = answer.get("id");
    if (id == null || !id.isInt()) {
      throw new SchemaRegistryException(
          "the Schema Registry at "
              + shown
              + " answered the registration of subject "
              + subject
              + " without an id");
    }
    return id.intValue();
  }

  @Override
  public Schema schema(int id) {
    JsonNode answer = call(request("/schemas/ids/" + id).GET(), "schema id " + id);
    JsonNode type = answer.get("schemaType");
    if (type != null && !type.asText().equals("AVRO")) {
      throw new SchemaRegistryException(
          "schema id "
              + id
              + " at the Schema Registry at "
              + shown
              + " is "
              + type.asText()
              + ", not Avro");
    }
    JsonNode text = answer.get("schema");
    if (text == null || !text.isTextual()) {
      throw new SchemaRegistryException(
          "the Schema Registry at " + shown + " answered schema id " + id + " without a schema");
    }
    try {
      return new Schema.Parser().setValidateDefaults(false).parse(text.asText());
    } catch (SchemaParseException e) {
      throw new SchemaRegistryException(
          "schema id "
              + id
              + " at the Schema Registry at "
              + shown
              + " is not a valid Avro schema: "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public String describe() {
    return shown;
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(CALL_TIMEOUT)
            .header("Accept", CONTENT_TYPE + ", application/json")
            .header("Content-Type", CONTENT_TYPE);
    authorization.ifPresent(a -> request.header("Authorization", a));
    return request;
  }

  private JsonNode call(HttpRequest.Builder request, String what) {
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new SchemaRegistryException(
          "the Schema Registry at " + shown + " could not be reached for " + what + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryException(
          "interrupted while asking the Schema Registry at " + shown + " for " + what, e);
    }
    JsonNode body;
    try {
      body = JSON.readTree(response.body());
    } catch (IOException e) {
      body = null;
    }
    if (response.statusCode() == 200 && body != null && body.isObject()) {
      return body;
    }
    String error =
        body != null && body.has("error_code")
            ? " (error "
                + body.get("error_code").asText()
                + ": "
                + body.path("message").asText()
                + ")"
            : "";
    if (response.statusCode() == 404 && body != null && body.path("error_code").asInt() == 40403) {
      throw new SchemaRegistryException(
          what + " is unknown to the Schema Registry at " + shown + error);
    }
    throw new SchemaRegistryException(
        "the Schema Registry at "
            + shown
            + " answered HTTP "
            + response.statusCode()
            + " for "
            + what
            + error);
  }
}
