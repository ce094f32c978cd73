package io.promptyard.schemas.serde;

import io.promptyard.schemas.Alert;
import io.promptyard.schemas.AlertKind;
import io.promptyard.schemas.Attempt;
import io.promptyard.schemas.AuditEvent;
import io.promptyard.schemas.Budget;
import io.promptyard.schemas.BudgetSettlement;
import io.promptyard.schemas.CacheMode;
import io.promptyard.schemas.CachePolicy;
import io.promptyard.schemas.CacheScope;
import io.promptyard.schemas.CircuitState;
import io.promptyard.schemas.CompletionChunk;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ContentPart;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.DetectorVerdict;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.KeyCheckStatus;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.ModelRef;
import io.promptyard.schemas.Output;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.Priority;
import io.promptyard.schemas.PromptTemplate;
import io.promptyard.schemas.ProviderHealth;
import io.promptyard.schemas.ProviderKeyStatus;
import io.promptyard.schemas.RecordHeader;
import io.promptyard.schemas.ResponseFormat;
import io.promptyard.schemas.ResultError;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.RoutingHints;
import io.promptyard.schemas.RoutingStrategy;
import io.promptyard.schemas.SemanticCacheEntry;
import io.promptyard.schemas.SemanticPause;
import io.promptyard.schemas.TeamGuardPolicy;
import io.promptyard.schemas.TeamQuota;
import io.promptyard.schemas.TemplateMessage;
import io.promptyard.schemas.TemplateRef;
import io.promptyard.schemas.TokenUsage;
import io.promptyard.schemas.ToolCall;
import io.promptyard.schemas.ToolDefinition;
import io.promptyard.schemas.UsageEvent;
import io.promptyard.schemas.UsageTotals;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;

/**
 * One realistic instance of every top-level record, with every optional field set. Times have
 * millisecond precision, as on the wire.
 */
public final class SampleRecords {

  public static final Instant T0 = Instant.parse("2025-03-14T09:26:53.589Z");

  private SampleRecords() {}

  public static List<SpecificRecord> all() {
    return List.of(
        completionRequest(),
        routedRequest(),
        completionResult(),
        completionChunk(),
        usageEvent(),
        usageTotals(),
        deadLetter(),
        budget(),
        budgetSettlement(),
        providerHealth(),
        promptTemplate(),
        alert(),
        auditEvent(),
        semanticCacheEntry(),
        teamGuardPolicy(),
        teamQuota(),
        semanticPause());
  }

  public static CompletionRequest completionRequest() {
    return CompletionRequest.newBuilder()
        .setId("req-7f3a")
        .setTeam("search")
        .setUser("alice@example.com")
        .setTags(Map.of("feature", "summaries", "env", "prod"))
        .setModel("openai/gpt-4o-mini")
        .setMessages(
            List.of(
                Message.newBuilder().setRole(Role.SYSTEM).setText("You are terse.").build(),
                Message.newBuilder()
                    .setRole(Role.USER)
                    .setParts(
                        List.of(
                            ContentPart.newBuilder()
                                .setType("text")
                                .setText("What is in this picture?")
                                .build(),
                            ContentPart.newBuilder()
                                .setType("image_url")
                                .setImageUrl("https://example.com/cat.png")
                                .setDetail("low")
                                .build()))
                    .build(),
                Message.newBuilder()
                    .setRole(Role.ASSISTANT)
                    .setToolCalls(List.of(new ToolCall("call_1", "lookup", "{\"q\":\"cat\"}")))
                    .build(),
                Message.newBuilder()
                    .setRole(Role.TOOL)
                    .setToolCallId("call_1")
                    .setName("lookup")
                    .setText("a tabby cat")
                    .build()))
        .setParameters(
            Parameters.newBuilder()
                .setTemperature(0.2)
                .setTopP(0.9)
                .setMaxTokens(256)
                .setStop(List.of("\n\n", "END"))
                .setSeed(42L)
                .setTools(
                    List.of(
                        new ToolDefinition("lookup", "Looks a term up", "{\"type\":\"object\"}")))
                .setToolChoice("auto")
                .setResponseFormat(
                    new ResponseFormat("json_schema", "answer", "{\"type\":\"object\"}", true))
                .build())
        .setRouting(
            RoutingHints.newBuilder()
                .setRequiredCapabilities(List.of("vision", "tools"))
                .setPreferredProviders(List.of("openai"))
                .setExcludedProviders(List.of("mistral"))
                .setMaxCostMicros(5_000L)
                .setPriority(Priority.INTERACTIVE)
                .setStrategy(RoutingStrategy.LOWEST_LATENCY)
                .setAllowDowngrade(false)
                .setPinnedModel("openai/gpt-4o-mini")
                .build())
        .setCache(new CachePolicy(CacheMode.SEMANTIC, 3600L, CacheScope.SHARED, 0.9))
        .setDeadline(T0.plusSeconds(600))
        .setReplyTopic("promptyard.replies.search")
        .setStream(true)
        .setTemplate(new TemplateRef("describe-image", "3", Map.of("tone", "dry")))
        .setBatchId("batch-2025-03-14")
        .setCustomId("row-17")
        .setSubmittedAt(T0)
        .build();
  }

  public static RoutedRequest routedRequest() {
    return new RoutedRequest(
        completionRequest(),
        RoutingDecision.newBuilder()
            .setProvider("openai")
            .setModel("gpt-4o-mini")
            .setFallbackChain(
                List.of(
                    new ModelRef("anthropic", "claude-3-5-haiku"),
                    new ModelRef("mistral", "mistral-small")))
            .setEstimatedInputTokens(812)
            .setEstimatedCostMicros(1_340L)
            .setReason("cheapest model with vision and tools under the 5000 micro-dollar cap")
            .setRoutedAt(T0.plusMillis(4))
            .setStrategy(RoutingStrategy.CHEAPEST)
            .setEstimatedOutputTokens(256)
            .setPriority(Priority.INTERACTIVE)
            .setDowngraded(true)
            .setGuard(guardVerdicts())
            .setOutputModeration("flag")
            .build(),
        List.of(
            new Attempt(
                "anthropic",
                "claude-3-5-haiku",
                T0.plusMillis(5),
                T0.plusMillis(912),
                ErrorCode.OVERLOADED,
                "529 overloaded")));
  }

  public static CompletionResult completionResult() {
    return CompletionResult.newBuilder()
        .setId("req-7f3a")
        .setTeam("search")
        .setStatus(ResultStatus.SUCCEEDED)
        .setProvider("openai")
        .setModel("gpt-4o-mini")
        .setOutput(
            new Output(
                "{\"answer\":\"a cat\"}",
                List.of(new ToolCall("call_2", "lookup", "{}")),
                "stop",
                "{\"answer\":\"a cat\"}"))
        .setUsage(new TokenUsage(812L, 37L, 512L, 12L))
        .setCostMicros(1_290L)
        .setCached(false)
        .setLatencyMillis(1_482L)
        .setAttempts(2)
        .setError(new ResultError(ErrorCode.OVERLOADED, "first attempt overloaded", 529, true))
        .setBatchId("batch-2025-03-14")
        .setCustomId("row-17")
        .setCompletedAt(T0.plusMillis(1_482))
        .setGuard(guardVerdicts())
        .setCacheMatch("semantic")
        .setSimilarity(0.93)
        .setReusedRequestId("req-11aa")
        .build();
  }

  public static List<DetectorVerdict> guardVerdicts() {
    return List.of(
        new DetectorVerdict("email", "redact", 2, 0.95),
        new DetectorVerdict("injection", "flag", 1, 0.62));
  }

  public static CompletionChunk completionChunk() {
    return new CompletionChunk(
        "req-7f3a", 3, "a tab", "stop", "openai", "gpt-4o-mini", T0.plusMillis(700), 2);
  }

  /** A chunk as a worker of the first release wrote it: v1 of its schema, without an attempt. */
  public static GenericRecord completionChunkV1() {
    GenericRecord old =
        new GenericData.Record(SchemaHistory.releasedVersions("CompletionChunk").getFirst());
    old.put("requestId", "req-old-3");
    old.put("index", 4);
    old.put("textDelta", "Paris");
    old.put("provider", "openai");
    old.put("model", "gpt-4o-mini");
    old.put("emittedAt", 1_741_944_413_589L);
    return old;
  }

  public static UsageEvent usageEvent() {
    return UsageEvent.newBuilder()
        .setEventId("req-7f3a#2")
        .setRequestId("req-7f3a")
        .setTeam("search")
        .setUser("alice@example.com")
        .setProvider("openai")
        .setModel("gpt-4o-mini")
        .setAttempt(2)
        .setUsage(new TokenUsage(812L, 37L, 512L, 12L))
        .setCostMicros(1_290L)
        .setSavedCostMicros(0L)
        .setCached(false)
        .setLatencyMillis(570L)
        .setErrorCode(ErrorCode.TIMEOUT)
        .setOccurredAt(T0.plusMillis(1_482))
        .setTemplate("summarise")
        .setTemplateVersion("3")
        .setTags(Map.of("feature", "search-box"))
        .setSettles(true)
        .build();
  }

  public static UsageTotals usageTotals() {
    return UsageTotals.newBuilder(
            new UsageTotals(
                "team-model",
                "search|openai/gpt-4o-mini",
                "day",
                Instant.parse("2025-03-14T00:00:00Z"),
                1_204L,
                311L,
                7L,
                980_112L,
                40_551L,
                400_000L,
                1_502_330L,
                388_000L,
                T0,
                null,
                null,
                null,
                0L,
                Map.of(),
                ByteBuffer.allocate(0),
                0L,
                0L,
                0L,
                0L,
                0L,
                0L))
        .setTeam("search")
        .setProvider("openai")
        .setModel("gpt-4o-mini")
        .setReasoningTokens(1_024L)
        .setErrorsByClass(Map.of("RATE_LIMITED", 5L, "TIMEOUT", 2L))
        .setLatencyHistogram(ByteBuffer.wrap(new byte[] {0x1c, (byte) 0x84, (byte) 0x93, 0x14}))
        .setLatencyP50Millis(420L)
        .setLatencyP95Millis(1_310L)
        .setLatencyP99Millis(2_950L)
        .setShadowedHits(40L)
        .setShadowDisagreements(2L)
        .setShadowCostMicros(1_200L)
        .build();
  }

  public static Alert alert() {
    return new Alert(
        "search|2025-03|threshold-80",
        "search",
        AlertKind.THRESHOLD,
        "2025-03",
        80,
        401_000_000L,
        500_000_000L,
        610_000_000L,
        "team search has spent $401.000000 of its $500.000000 monthly budget (80%)",
        null,
        null,
        T0);
  }

  public static DeadLetter deadLetter() {
    return DeadLetter.newBuilder()
        .setRequestId("req-7f3a")
        .setTeam("search")
        .setOriginTopic("promptyard.requests.json")
        .setOriginPartition(4)
        .setOriginOffset(18_233L)
        .setKey(ByteBuffer.wrap("req-7f3a".getBytes(StandardCharsets.UTF_8)))
        .setValue(ByteBuffer.wrap(new byte[] {'{', 0x00, (byte) 0xff}))
        .setHeaders(
            List.of(
                new RecordHeader(
                    "traceparent",
                    ByteBuffer.wrap("00-abc-def-01".getBytes(StandardCharsets.UTF_8))),
                new RecordHeader("empty", null)))
        .setErrorCode(ErrorCode.UNDECODABLE)
        .setErrorMessage("not JSON: Unexpected character")
        .setProvider("openai")
        .setAttempts(3)
        .setFirstAttemptAt(T0)
        .setLastAttemptAt(T0.plusSeconds(30))
        .setDeadLetteredAt(T0.plusSeconds(31))
        .build();
  }

  public static AuditEvent auditEvent() {
    return new AuditEvent(
        "6f1c9a2e-0b7d-4c55-9f4e-2d8a1b3c4d5e",
        T0,
        "alice",
        "User:alice",
        "dlq replay",
        List.of("--code", "RATE_LIMITED", "--set", "max_tokens=512"),
        true,
        "20 dead letter(s) replayed");
  }

  public static Budget budget() {
    return new Budget(
        "search",
        500_000_000L,
        400_000_000L,
        List.of(50, 90, 100),
        123_456_789L,
        T0,
        2_000_000L,
        1_234_567L);
  }

  public static BudgetSettlement budgetSettlement() {
    return new BudgetSettlement("search", "req-7f3a", "2026-11", 123_456_789L, 1_234_567L, T0);
  }

  public static TeamGuardPolicy teamGuardPolicy() {
    return new TeamGuardPolicy(
        "support",
        Map.of("email", "flag", "secret", "block", "injection", "block"),
        0.8,
        "GB",
        "redact",
        true,
        T0);
  }

  public static TeamQuota teamQuota() {
    return new TeamQuota("search", "openai", 600L, 200_000L, 3, T0);
  }

  public static ProviderHealth providerHealth() {
    return new ProviderHealth(
        "openai/gpt-4o-mini",
        "openai",
        "gpt-4o-mini",
        CircuitState.HALF_OPEN,
        0.125,
        640L,
        4_210L,
        480L,
        1_750_000L,
        T0,
        List.of(
            new ProviderKeyStatus(
                "3f2a9c0b1d4e", KeyCheckStatus.REFUSED, "models list answered HTTP 401", T0)));
  }

  public static PromptTemplate promptTemplate() {
    return new PromptTemplate(
        "summarize",
        "2",
        "Summaries for the search team",
        List.of(
            new TemplateMessage(Role.SYSTEM, "You write {{ style }} summaries."),
            new TemplateMessage(
                Role.USER, "{% for doc in docs | json %}- {{ doc }}\n{% endfor %}")),
        T0);
  }

  public static SemanticCacheEntry semanticCacheEntry() {
    return new SemanticCacheEntry(
        "search",
        "openai/gpt-4o-mini",
        "9c1d",
        "What is the capital of France?",
        "req-11aa",
        java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}),
        true,
        12,
        T0.plusSeconds(3600),
        "all-MiniLM-L6-v2",
        List.of(0.6f, 0.8f));
  }

  public static SemanticPause semanticPause() {
    return new SemanticPause(
        "search",
        true,
        "aggregator",
        40,
        4,
        0.05,
        "observed false-hit rate 10.0% (4 of 40 shadowed hits) over the limit 5.0%",
        T0);
  }
}
