package io.promptyard.schemas.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import io.promptyard.schemas.CacheMode;
import io.promptyard.schemas.CachePolicy;
import io.promptyard.schemas.CacheScope;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.ContentPart;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.Priority;
import io.promptyard.schemas.ResponseFormat;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutingHints;
import io.promptyard.schemas.RoutingStrategy;
import io.promptyard.schemas.ToolCall;
import io.promptyard.schemas.ToolDefinition;
import io.promptyard.schemas.serde.UndecodableRecordException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonIngressTest {

  private static final String FULL_BODY =
      """
      {
        "model": "openai/gpt-4o-mini",
        "messages": [
          {"role": "system", "content": "You are a travel agent."},
          {"role": "user", "name": "alice", "content": [
            {"type": "text", "text": "Where was this photo taken?"},
            {"type": "image_url", "image_url": {"url": "https://example.com/beach.jpg", "detail": "high"}}
          ]},
          {"role": "assistant", "content": null, "tool_calls": [
            {"id": "call_abc", "type": "function", "function": {"name": "geolocate", "arguments": "{\\"image\\":1}"}}
          ]},
          {"role": "tool", "tool_call_id": "call_abc", "content": "Tarifa, Spain"}
        ],
        "tools": [
          {"type": "function", "function": {"name": "geolocate", "description": "Finds where a photo was taken",
            "parameters": {"type": "object", "properties": {"image": {"type": "integer"}}}}}
        ],
        "tool_choice": {"type": "function", "function": {"name": "geolocate"}},
        "response_format": {"type": "json_schema", "json_schema": {"name": "place", "strict": true,
          "schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}},
        "temperature": 0.3,
        "top_p": 0.95,
        "max_completion_tokens": 300,
        "max_tokens": 50,
        "seed": 1234,
        "stop": ["END", "\\n\\n"],
        "stream": true,
        "metadata": {
          "team": "travel",
          "user": "alice@example.com",
          "tags": {"feature": "photo-lookup", "env": "prod"},
          "request_id": "req-42",
          "custom_id": "row-9",
          "batch_id": "batch-7",
          "deadline": "2025-03-14T10:00:00Z",
          "priority": "interactive",
          "cache": {"mode": "read-only", "scope": "shared", "ttl_seconds": 600},
          "reply_topic": "promptyard.replies.travel",
          "required_capabilities": ["vision", "tools"],
          "preferred_providers": ["openai"],
          "excluded_providers": "mistral",
          "max_cost_micros": 2500
        }
      }
      """;

  private static CompletionRequest parse(String json, String key) {
    return JsonIngress.parse(json.getBytes(StandardCharsets.UTF_8), key);
  }

  @Test
  void fullOpenAiBodyWithMetadataMapsEveryField() {
    Instant before =
        Instant.now()
            .truncatedTo(ChronoUnit.MILLIS); // timestamp-millis fields keep milliseconds only

    CompletionRequest r = parse(FULL_BODY, "ignored-key");

    assertThat(r.getId()).isEqualTo("req-42");
    assertThat(r.getTeam()).isEqualTo("travel");
    assertThat(r.getUser()).isEqualTo("alice@example.com");
    assertThat(r.getTags())
        .containsExactlyInAnyOrderEntriesOf(Map.of("feature", "photo-lookup", "env", "prod"));
    assertThat(r.getModel()).isEqualTo("openai/gpt-4o-mini");
    assertThat(r.getCustomId()).isEqualTo("row-9");
    assertThat(r.getBatchId()).isEqualTo("batch-7");
    assertThat(r.getDeadline()).isEqualTo(Instant.parse("2025-03-14T10:00:00Z"));
    assertThat(r.getReplyTopic()).isEqualTo("promptyard.replies.travel");
    assertThat(r.getStream()).isTrue();
    assertThat(r.getTemplate()).isNull();
    assertThat(r.getSubmittedAt()).isBetween(before, Instant.now());

    assertThat(r.getMessages())
        .containsExactly(
            Message.newBuilder().setRole(Role.SYSTEM).setText("You are a travel agent.").build(),
            Message.newBuilder()
                .setRole(Role.USER)
                .setName("alice")
                .setParts(
                    List.of(
                        ContentPart.newBuilder()
                            .setType("text")
                            .setText("Where was this photo taken?")
                            .build(),
                        ContentPart.newBuilder()
                            .setType("image_url")
                            .setImageUrl("https://example.com/beach.jpg")
                            .setDetail("high")
                            .build()))
                .build(),
            Message.newBuilder()
                .setRole(Role.ASSISTANT)
                .setToolCalls(List.of(new ToolCall("call_abc", "geolocate", "{\"image\":1}")))
                .build(),
            Message.newBuilder()
                .setRole(Role.TOOL)
                .setToolCallId("call_abc")
                .setText("Tarifa, Spain")
                .build());

    Parameters p = r.getParameters();
    assertThat(p.getTemperature()).isEqualTo(0.3);
    assertThat(p.getTopP()).isEqualTo(0.95);
    assertThat(p.getMaxTokens())
        .as("max_completion_tokens wins over the deprecated max_tokens")
        .isEqualTo(300);
    assertThat(p.getSeed()).isEqualTo(1234L);
    assertThat(p.getStop()).containsExactly("END", "\n\n");
    assertThat(p.getToolChoice()).isEqualTo("geolocate");
    assertThat(p.getTools())
        .containsExactly(
            new ToolDefinition(
                "geolocate",
                "Finds where a photo was taken",
                "{\"type\":\"object\",\"properties\":{\"image\":{\"type\":\"integer\"}}}"));
    assertThat(p.getResponseFormat())
        .isEqualTo(
            new ResponseFormat(
                "json_schema",
                "place",
                "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}",
                true));

    assertThat(r.getRouting())
        .isEqualTo(
            RoutingHints.newBuilder()
                .setRequiredCapabilities(List.of("vision", "tools"))
                .setPreferredProviders(List.of("openai"))
                .setExcludedProviders(List.of("mistral"))
                .setMaxCostMicros(2_500L)
                .setPriority(Priority.INTERACTIVE)
                .build());
    assertThat(r.getCache())
        .isEqualTo(new CachePolicy(CacheMode.READ_ONLY, 600L, CacheScope.SHARED, null));
  }

  @Test
  void aBodyOfMoreThanAMillionJsonTokensIsRejectedBeforeItBecomesATree() {
    RequestLimits roomy =
        new RequestLimits(
            8_000_000,
            64,
            10_000,
            8_000_000,
            1_000,
            128,
            64,
            256,
            128,
            2_000_000,
            java.time.Duration.ofMillis(500),
            8_000_000);
    byte[] body =
        ("{\"model\": \"cheap\", \"x\": [" + "0,".repeat(1_000_000) + "0]}")
            .getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> JsonIngress.limitedTo(roomy).read(body, "many-tokens"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("the JSON body has more than 1000000 JSON tokens (values, names and brackets)")
        .satisfies(
            e -> assertThat(((InvalidRequestException) e).requestId()).isEqualTo("many-tokens"));
  }

  @Test
  void aBodyLargerThanTheLimitIsRejectedWithoutBeingRead() {
    byte[] body = new byte[RequestLimits.defaults().maxBodyBytes() + 1];

    assertThatThrownBy(() -> JsonIngress.parse(body, "big"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage(
            "the JSON body has 1048577 bytes; the limit is 1048576 (PROMPTYARD_ROUTER_MAX_BODY_BYTES)");
  }

  @Test
  void stopAsAStringIsOneStopSequence() {
    CompletionRequest r =
        parse(
            """
        {"model": "cheap", "messages": [{"role": "user", "content": "hi"}], "stop": "END", "max_tokens": 64,
         "tool_choice": "none", "response_format": {"type": "json_object"}, "metadata": {"team": "t"}}
        """,
            "k");

    assertThat(r.getParameters().getStop()).containsExactly("END");
    assertThat(r.getParameters().getMaxTokens()).isEqualTo(64);
    assertThat(r.getParameters().getToolChoice()).isEqualTo("none");
    assertThat(r.getParameters().getResponseFormat().getType()).isEqualTo("json_object");
    assertThat(r.getParameters().getResponseFormat().getSchemaJson()).isNull();
  }

  @Test
  void deadlineMayBeEpochMilliseconds() {
    CompletionRequest r =
        parse(
            """
        {"model": "cheap", "messages": [], "metadata": {"team": "t", "deadline": 1741946400000}}
        """,
            "k");

    assertThat(r.getDeadline()).isEqualTo(Instant.ofEpochMilli(1_741_946_400_000L));
  }

  @Test
  void aTemplateReferenceKeepsStringVariablesAndOthersAsJsonText() {
    CompletionRequest r =
        parse(
            """
        {"model": "cheap", "metadata": {"team": "t", "template": {"name": "summarize", "version": "2",
         "variables": {"audience": "experts", "docs": [{"title": "Q3"}], "limit": 3}}}}
        """,
            "k");

    assertThat(r.getMessages()).isEmpty();
    assertThat(r.getTemplate().getName()).isEqualTo("summarize");
    assertThat(r.getTemplate().getVersion()).isEqualTo("2");
    assertThat(r.getTemplate().getVariables())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("audience", "experts", "docs", "[{\"title\":\"Q3\"}]", "limit", "3"));
  }

  @Test
  void aTemplateWithoutANameIsInvalid() {
    assertThatThrownBy(
            () ->
                parse(
                    """
        {"model": "cheap", "metadata": {"team": "t", "template": {"version": "2"}}}
        """,
                    "k"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("metadata.template must be an object with a name");
  }

  @Test
  void recordKeyIsTheIdWhenMetadataHasNone() {
    CompletionRequest r =
        parse(
            """
        {"model": "cheap", "messages": [{"role": "user", "content": "hi"}], "metadata": {"team": "search"}}
        """,
            "key-123");

    assertThat(r.getId()).isEqualTo("key-123");
  }

  @Test
  void aBlankRequestIdCountsAsNoneAndTheRecordKeyIsTheId() {
    CompletionRequest r =
        parse(
            """
        {"model": "cheap", "messages": [{"role": "user", "content": "hi"}], "metadata": {"team": "search", "request_id": " "}}
        """,
            "key-7");

    assertThat(r.getId()).isEqualTo("key-7");
  }

  @Test
  void aRequestWithoutIdOrKeyGetsAGeneratedId() {
    CompletionRequest r =
        parse(
            """
        {"model": "cheap", "messages": [{"role": "user", "content": "hi"}]}
        """,
            null);

    assertThat(r.getId()).isNotBlank();
    assertThat(r.getTeam()).as("a missing team is left for the router to reject").isEmpty();
  }

  @Test
  void userFallsBackToTheOpenAiUserField() {
    CompletionRequest r =
        parse(
            """
        {"model": "cheap", "user": "end-user-7", "messages": [], "metadata": {"team": "t"}}
        """,
            "k");

    assertThat(r.getUser()).isEqualTo("end-user-7");
  }

  @Test
  void bytesThatAreNotJsonAreUndecodable() {
    assertThatThrownBy(() -> JsonIngress.parse(new byte[] {(byte) 0xC3, 0x01, 0x17, 0x00}, "k"))
        .isInstanceOf(UndecodableRecordException.class)
        .hasMessageContaining("not JSON");
    assertThatThrownBy(() -> parse("{\"model\": \"cheap\", ", "k"))
        .isInstanceOf(UndecodableRecordException.class);
  }

  @Test
  void jsonThatIsNotAnObjectIsUndecodable() {
    assertThatThrownBy(() -> parse("[1, 2, 3]", "k"))
        .isInstanceOf(UndecodableRecordException.class);
    assertThatThrownBy(() -> parse("", "k")).isInstanceOf(UndecodableRecordException.class);
    assertThatThrownBy(() -> JsonIngress.parse((byte[]) null, "k"))
        .isInstanceOf(UndecodableRecordException.class);
  }

  @Test
  void anUnknownRoleIsAnInvalidRequestNamingTheMessageAndKeepingTheId() {
    String body =
        """
        {"model": "cheap", "messages": [{"role": "user", "content": "hi"}, {"role": "wizard", "content": "boo"}],
         "metadata": {"team": "search", "request_id": "req-9"}}
        """;

    assertThatThrownBy(() -> parse(body, "k"))
        .asInstanceOf(type(InvalidRequestException.class))
        .satisfies(
            e -> {
              assertThat(e.getMessage()).contains("messages[1].role").contains("wizard");
              assertThat(e.requestId()).isEqualTo("req-9");
              assertThat(e.team()).isEqualTo("search");
            });
  }

  @Test
  void anUnknownPriorityIsAnInvalidRequestNamingTheFieldAndKeepingTheKeyAsId() {
    String body =
        """
        {"model": "cheap", "messages": [{"role": "user", "content": "hi"}],
         "metadata": {"team": "search", "priority": "urgent"}}
        """;

    assertThatThrownBy(() -> parse(body, "key-77"))
        .asInstanceOf(type(InvalidRequestException.class))
        .satisfies(
            e -> {
              assertThat(e.getMessage()).contains("metadata.priority").contains("urgent");
              assertThat(e.requestId()).isEqualTo("key-77");
              assertThat(e.team()).isEqualTo("search");
            });
  }

  @Test
  void wronglyShapedFieldsAreInvalidRequestsNamingTheField() {
    assertInvalid("\"messages\": {\"role\": \"user\"}", "messages");
    assertInvalid("\"messages\": [{\"role\": \"user\", \"content\": 42}]", "messages[0].content");
    assertInvalid(
        "\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"audio\"}]}]",
        "messages[0].content[0].type");
    assertInvalid("\"messages\": [], \"temperature\": \"hot\"", "temperature");
    assertInvalid("\"messages\": [], \"max_tokens\": \"lots\"", "max_tokens");
    assertInvalid(
        "\"messages\": [], \"response_format\": {\"type\": \"xml\"}", "response_format.type");
    assertInvalid(
        "\"messages\": [], \"response_format\": {\"type\": \"json_schema\"}",
        "response_format.json_schema.schema");
    assertInvalid(
        "\"messages\": [], \"tools\": [{\"type\": \"function\", \"function\": {}}]",
        "tools[0].function.name");
    assertInvalid(
        "\"messages\": [], \"tool_choice\": {\"type\": \"function\"}", "tool_choice.function.name");
    assertInvalid(
        "\"messages\": [], \"metadata\": {\"request_id\": \"r\", \"deadline\": \"tomorrow\"}",
        "metadata.deadline");
    assertInvalid(
        "\"messages\": [], \"metadata\": {\"request_id\": \"r\", \"cache\": {\"mode\": \"sometimes\"}}",
        "metadata.cache.mode");
    assertInvalid(
        "\"messages\": [], \"metadata\": {\"request_id\": \"r\", \"tags\": [\"a\"]}",
        "metadata.tags");
    assertInvalid(
        "\"messages\": [], \"metadata\": {\"tags\": {\"a\": {\"b\": 1}}}", "metadata.tags.a");
    assertInvalid("\"messages\": [], \"metadata\": \"team-a\"", "metadata");
    assertInvalid("\"messages\": [], \"stop\": [\"END\", 7]", "stop");
    assertInvalid("\"messages\": [], \"seed\": \"lucky\"", "seed");
    assertInvalid("\"messages\": [], \"seed\": 1.5", "seed");
    assertInvalid("\"messages\": [], \"response_format\": \"json_object\"", "response_format");
    assertInvalid("\"messages\": [], \"metadata\": {\"deadline\": true}", "metadata.deadline");
  }

  @Test
  void toolsAndToolCallsThatAreNotArraysAreInvalidRequestsNotCrashes() {
    // These used to escape as NullPointerException, which the router does not catch: the partition
    // would stall.
    assertInvalid(
        "\"messages\": [{\"role\": \"assistant\", \"tool_calls\": {\"id\": \"call_1\"}}]",
        "messages[0].tool_calls");
    assertInvalid("\"messages\": [], \"tools\": {\"function\": {\"name\": \"f\"}}", "tools");
  }

  @Test
  void aDeadlineBeyondWhatAvroCanWriteIsAnInvalidRequest() {
    // Instant.parse accepts it, but timestamp-millis overflows when the router writes the record.
    assertInvalid(
        "\"messages\": [], \"metadata\": {\"deadline\": \"+1000000000-12-31T23:59:59Z\"}",
        "metadata.deadline");
  }

  @Test
  void deadlineMayBeEpochMillisecondsAsText() {
    CompletionRequest r =
        parse(
            """
        {"model": "cheap", "messages": [], "metadata": {"team": "t", "deadline": "1741946400000"}}
        """,
            "k");

    assertThat(r.getDeadline()).isEqualTo(Instant.ofEpochMilli(1_741_946_400_000L));
  }

  @Test
  void routingStrategyDowngradeAndPinnedModelAreReadFromMetadata() {
    CompletionRequest r =
        parse(
            """
        {"model": "smart", "messages": [{"role": "user", "content": "hi"}],
         "metadata": {"team": "t", "strategy": "lowest-latency", "allow_downgrade": false, "pinned_model": "openai/gpt-4o", "drop_params": true}}
        """,
            "k");

    assertThat(r.getRouting().getStrategy()).isEqualTo(RoutingStrategy.LOWEST_LATENCY);
    assertThat(r.getRouting().getAllowDowngrade()).isFalse();
    assertThat(r.getRouting().getPinnedModel()).isEqualTo("openai/gpt-4o");
    assertThat(r.getRouting().getDropParams()).isTrue();
  }

  @Test
  void withoutRoutingMetadataDowngradesAreAllowedAndTheTeamDefaultStrategyApplies() {
    CompletionRequest r =
        parse(
            """
        {"model": "smart", "messages": [{"role": "user", "content": "hi"}], "metadata": {"team": "t"}}
        """,
            "k");

    assertThat(r.getRouting().getStrategy()).isNull();
    assertThat(r.getRouting().getAllowDowngrade()).isTrue();
    assertThat(r.getRouting().getPinnedModel()).isNull();
    assertThat(r.getRouting().getDropParams()).isFalse();
  }

  @Test
  void anUnknownStrategyOrANonBooleanDowngradeIsAnInvalidRequestNamingTheField() {
    assertInvalid(
        "\"messages\": [], \"metadata\": {\"strategy\": \"random\"}", "metadata.strategy");
    assertInvalid(
        "\"messages\": [], \"metadata\": {\"strategy\": \"unknown_strategy\"}",
        "metadata.strategy");
    assertInvalid(
        "\"messages\": [], \"metadata\": {\"allow_downgrade\": \"yes\"}",
        "metadata.allow_downgrade");
    assertInvalid("\"messages\": [], \"metadata\": {\"drop_params\": 1}", "metadata.drop_params");
  }

  @Test
  void trailingBytesAfterTheJsonObjectAreUndecodable() {
    assertThatThrownBy(
            () -> parse("{\"model\": \"cheap\", \"messages\": []} {\"model\": \"smart\"}", "k"))
        .isInstanceOf(UndecodableRecordException.class);
  }

  private static void assertInvalid(String fields, String namedField) {
    String body = "{\"model\": \"cheap\", " + fields + "}";
    assertThatThrownBy(() -> parse(body, "key-1"))
        .as(body)
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining(namedField);
  }
}
