package io.promptyard.providers.conformance;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import io.promptyard.catalog.ProviderSpec;
import io.promptyard.catalog.Usage;
import io.promptyard.providers.ChatProvider;
import io.promptyard.providers.HttpTimeouts;
import io.promptyard.providers.bedrock.BedrockProvider;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

/**
 * Amazon Bedrock Converse and ConverseStream as the AWS SDK for Java v2 really calls them:
 * SigV4-signed {@code POST /model/{modelId}/converse} answered with JSON, and {@code POST
 * /model/{modelId}/converse-stream} answered with the binary AWS event stream ({@code
 * application/vnd.amazon.eventstream}), whose frames are built here with the SDK's own encoder
 * ({@code software.amazon.eventstream.Message}).
 *
 * <p>Shapes follow
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html (response
 * {@code output.message.content}, {@code stopReason}, {@code usage} with {@code
 * cacheReadInputTokens}),
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStreamOutput.html
 * (events messageStart, contentBlockDelta, contentBlockStop, messageStop, metadata; the {@code p}
 * field is the padding Bedrock adds to events) and
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/CommonErrors.html with the Converse
 * errors (type in the {@code x-amzn-ErrorType} header, {@code {"message": ...}} body).
 *
 * <p>Bedrock documents no {@code Retry-After} on a ThrottlingException (and sends none:
 * https://github.com/epam/ai-dial-adapter-bedrock/pull/371), so its 429 here carries none either
 * and the worker's own back-off applies.
 */
public final class BedrockFixture implements ProviderFixture {

  @Override
  public boolean documentsRetryAfter() {
    return false;
  }

  /** A realistic model id: the colon must reach Bedrock percent-encoded in the path. */
  public static final String MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0";

  public static final String ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
  private static final String ENCODED_MODEL = MODEL.replace(":", "%3A");

  @Override
  public String name() {
    return "bedrock";
  }

  @Override
  public ChatProvider provider(String baseUrl, HttpTimeouts timeouts, long maxResponseBytes) {
    return provider(
        baseUrl,
        timeouts,
        Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID, "AWS_SECRET_ACCESS_KEY", API_KEY),
        maxResponseBytes);
  }

  /** The adapter at {@code baseUrl}, region us-east-1, with the given environment. */
  public static BedrockProvider provider(
      String baseUrl, HttpTimeouts timeouts, Map<String, String> env) {
    return provider(baseUrl, timeouts, env, ProviderSpec.DEFAULT_MAX_RESPONSE_BYTES);
  }

  private static BedrockProvider provider(
      String baseUrl, HttpTimeouts timeouts, Map<String, String> env, long maxResponseBytes) {
    ProviderSpec spec =
        new ProviderSpec(
            "bedrock",
            "bedrock",
            baseUrl,
            List.of("AWS_SECRET_ACCESS_KEY"),
            null,
            true,
            ProviderFixture.options(maxResponseBytes, "region", "us-east-1"));
    return new BedrockProvider(spec, env, timeouts);
  }

  @Override
  public String model() {
    return MODEL;
  }

  @Override
  public MappingBuilder blockingCall() {
    return signed(post(urlEqualTo("/model/" + ENCODED_MODEL + "/converse")));
  }

  @Override
  public MappingBuilder streamingCall() {
    return signed(post(urlEqualTo("/model/" + ENCODED_MODEL + "/converse-stream")));
  }

  /**
   * Proof that the SDK signed the call with SigV4 for service bedrock in us-east-1, with our access
   * key.
   */
  static MappingBuilder signed(MappingBuilder call) {
    return call.withHeader(
        "Authorization",
        matching(
            "AWS4-HMAC-SHA256 Credential="
                + ACCESS_KEY_ID
                + "/\\d{8}/us-east-1/bedrock/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}"));
  }

  @Override
  public ResponseDefinitionBuilder plainAnswer() {
    return json(
        200,
        """
        {"output": {"message": {"role": "assistant", "content": [{"text": "The capital of France is Paris."}]}},
         "stopReason": "end_turn",
         "usage": {"inputTokens": 13, "outputTokens": 7, "totalTokens": 28, "cacheReadInputTokens": 8,
                   "cacheWriteInputTokens": 0},
         "metrics": {"latencyMs": 412}}""");
  }

  @Override
  public Usage plainAnswerUsage() {
    return new Usage(21, 7, 8, 0);
  }

  @Override
  public ResponseDefinitionBuilder toolCallAnswer() {
    return json(
        200,
        """
        {"output": {"message": {"role": "assistant", "content": [
            {"toolUse": {"toolUseId": "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", "name": "get_weather", "input": {"city": "Oslo"}}}]}},
         "stopReason": "tool_use",
         "usage": {"inputTokens": 60, "outputTokens": 15, "totalTokens": 75},
         "metrics": {"latencyMs": 620}}""");
  }

  /**
   * The forced tool named after the schema ({@code place}), as the adapter asks for structured
   * output.
   */
  @Override
  public ResponseDefinitionBuilder structuredAnswer() {
    return json(
        200,
        """
        {"output": {"message": {"role": "assistant", "content": [
            {"toolUse": {"toolUseId": "tooluse_Lisbon42", "name": "place", "input": {"city": "Lisbon", "country": "Portugal"}}}]}},
         "stopReason": "tool_use",
         "usage": {"inputTokens": 40, "outputTokens": 12, "totalTokens": 52},
         "metrics": {"latencyMs": 380}}""");
  }

  @Override
  public ResponseDefinitionBuilder streamedAnswer() {
    return eventStream(streamEvents(true));
  }

  @Override
  public Usage streamedAnswerUsage() {
    return new Usage(21, 7, 0, 0);
  }

  /**
   * The stream up to the end of the text block, then the connection closes: no messageStop, no
   * metadata.
   */
  @Override
  public ResponseDefinitionBuilder truncatedStream() {
    return eventStream(streamEvents(false));
  }

  private static byte[][] streamEvents(boolean complete) {
    List<byte[]> frames =
        new java.util.ArrayList<>(
            List.of(
                event(
                    "messageStart",
                    "{\"p\":\"abcdefghijklmnopqrstuvwxyzABCDEFGHIJ\",\"role\":\"assistant\"}"),
                event(
                    "contentBlockDelta",
                    "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"The capital\"},\"p\":\"abcdefghijkl\"}"),
                event(
                    "contentBlockDelta",
                    "{\"contentBlockIndex\":0,\"delta\":{\"text\":\" of France is\"},\"p\":\"abcd\"}"),
                event(
                    "contentBlockDelta",
                    "{\"contentBlockIndex\":0,\"delta\":{\"text\":\" Paris\"},\"p\":\"abcdefghijklmn\"}"),
                event(
                    "contentBlockDelta",
                    "{\"contentBlockIndex\":0,\"delta\":{\"text\":\".\"},\"p\":\"abcdefghij\"}"),
                event(
                    "contentBlockStop",
                    "{\"contentBlockIndex\":0,\"p\":\"abcdefghijklmnopqrstuvwxyzABCDEFGH\"}")));
    if (complete) {
      frames.add(
          event(
              "messageStop",
              "{\"p\":\"abcdefghijklmnopqrstuvwxyzAB\",\"stopReason\":\"end_turn\"}"));
      frames.add(
          event(
              "metadata",
              "{\"metrics\":{\"latencyMs\":318},\"p\":\"abcdefghijklmnopqrstuvwxyzABCDEF\","
                  + "\"usage\":{\"inputTokens\":21,\"outputTokens\":7,\"totalTokens\":28}}"));
    }
    return frames.toArray(byte[][]::new);
  }

  @Override
  public Optional<ResponseDefinitionBuilder> error(ErrorScenario scenario) {
    return Optional.ofNullable(
        switch (scenario) {
          case BAD_REQUEST ->
              error(
                  400,
                  "ValidationException",
                  "1 validation error detected: Value '3.0' at "
                      + "'inferenceConfig.temperature' failed to satisfy constraint: Member must have value less than or equal to 1");
          // AWS's front door answers a bad access key or signature before Bedrock sees the call.
          case UNAUTHORIZED ->
              error(
                  403,
                  "UnrecognizedClientException",
                  "The security token included in the request is invalid.");
          case FORBIDDEN ->
              error(
                  403,
                  "AccessDeniedException",
                  "You don't have access to the model with the specified model ID.");
          case MODEL_NOT_FOUND ->
              error(
                  404,
                  "ResourceNotFoundException",
                  "The specified resource ARN was not found. Check the ARN "
                      + "and try your request again.");
          case CONTEXT_TOO_LONG ->
              error(400, "ValidationException", "Input is too long for requested model.");
          case RATE_LIMITED ->
              error(
                  429,
                  "ThrottlingException",
                  "Too many requests, please wait before trying again.");
          case SERVER_ERROR ->
              error(
                  500,
                  "InternalServerException",
                  "An internal server error occurred. Retry your request.");
          case UNAVAILABLE ->
              error(
                  503, "ServiceUnavailableException", "Bedrock is unable to process your request.");
          case OVERLOADED_529 -> null;
        });
  }

  /**
   * A Converse error: the type in {@code x-amzn-ErrorType} (with the service's namespace suffix),
   * the message in the body.
   */
  public static ResponseDefinitionBuilder error(int status, String type, String message) {
    return aResponse()
        .withStatus(status)
        .withHeader("Content-Type", "application/json")
        .withHeader("x-amzn-RequestId", "b7d3a5c2-1f0e-4e8a-9c1d-6f2b8e4a7d10")
        .withHeader(
            "x-amzn-ErrorType", type + ":http://internal.amazon.com/coral/com.amazon.bedrock/")
        .withBody("{\"message\":\"" + message.replace("\"", "\\\"") + "\"}");
  }

  /**
   * One event-stream frame of a ConverseStream answer, encoded by the SDK's event-stream library.
   */
  public static byte[] event(String type, String json) {
    Map<String, HeaderValue> headers = new LinkedHashMap<>();
    headers.put(":event-type", HeaderValue.fromString(type));
    headers.put(":content-type", HeaderValue.fromString("application/json"));
    headers.put(":message-type", HeaderValue.fromString("event"));
    return new Message(headers, json.getBytes(StandardCharsets.UTF_8)).toByteBuffer().array();
  }

  /** An exception frame inside a 200 stream, e.g. {@code throttlingException}. */
  public static byte[] exception(String type, String message) {
    Map<String, HeaderValue> headers = new LinkedHashMap<>();
    headers.put(":exception-type", HeaderValue.fromString(type));
    headers.put(":content-type", HeaderValue.fromString("application/json"));
    headers.put(":message-type", HeaderValue.fromString("exception"));
    return new Message(
            headers, ("{\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8))
        .toByteBuffer()
        .array();
  }

  /** A 200 ConverseStream answer made of these frames. */
  public static ResponseDefinitionBuilder eventStream(byte[]... frames) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (byte[] frame : frames) {
      body.writeBytes(frame);
    }
    return aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "application/vnd.amazon.eventstream")
        .withHeader("x-amzn-RequestId", "0d4c7e9a-5b3f-4a61-8e2d-9f1c3b7a6e54")
        .withBody(body.toByteArray());
  }

  public static ResponseDefinitionBuilder json(int status, String body) {
    return aResponse()
        .withStatus(status)
        .withHeader("Content-Type", "application/json")
        .withHeader("x-amzn-RequestId", "6a1f0c3e-8d2b-4f7a-b5e9-2c4d8a1e3f76")
        .withBody(body);
  }
}
