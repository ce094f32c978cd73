package io.promptyard.worker.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.promptyard.catalog.Usage;
import io.promptyard.guardrails.Redactions;
import io.promptyard.guardrails.RestoreKey;
import io.promptyard.schemas.CompletionChunk;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DetectorVerdict;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Output;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.ToolCall;
import io.promptyard.worker.cache.CacheKey;
import io.promptyard.worker.cache.InMemoryResponseCache;
import io.promptyard.worker.moderation.AnswerRestore;
import io.promptyard.worker.moderation.OutputModeration;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The guard's restore mode in the worker: the values the router redacted are put back into the
 * answer just before its result is published, from the mapping the router sealed on the routing
 * decision; the cache keeps the placeholders; a mapping that does not open leaves the answer
 * redacted, with a {@code restore} verdict, and never fails the job.
 */
class GuardRestoreTest {

  private static final Usage USAGE = new Usage(100, 40, 0, 0);
  private static final String EMAIL = "jane.doe@example.com";
  private static final String OTHER_EMAIL = "max.muster@example.org";
  private static final String ANSWER = "I will write to [EMAIL_1] today.";
  private static final RestoreKey KEY = RestoreKey.of(filled(5));
  private static final List<DetectorVerdict> INPUT_VERDICTS =
      List.of(new DetectorVerdict("email", "redact", 1, 0.98));

  private final TestClock clock = new TestClock(Instant.parse("2026-03-01T12:00:00Z"));
  private final ScriptedProvider sim = new ScriptedProvider("sim");
  private final InMemoryResponseCache cache = new InMemoryResponseCache(clock);
  private final List<CompletionChunk> chunks = new ArrayList<>();
  @RegisterExtension final CapturedLogs logs = new CapturedLogs();

  @Test
  void theRedactedEmailIsRestoredInTheResultWhileTheCacheKeepsThePlaceholder() throws Exception {
    sim.answers(ANSWER, USAGE);
    RoutedRequest job = job("r-1", KEY.seal(mapping(EMAIL), "team-a", "r-1"));

    CompletionResult result = answer(job, AnswerRestore.with(Optional.of(KEY)));

    assertThat(result.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
    assertThat(result.getOutput().getText()).isEqualTo("I will write to " + EMAIL + " today.");
    assertThat(result.getGuard()).isEqualTo(INPUT_VERDICTS);
    String cached =
        new String(
            cache.get(CacheKey.of(job.getRequest(), "sim", "sim-mini")).orElseThrow(),
            StandardCharsets.ISO_8859_1);
    assertThat(cached).contains("[EMAIL_1]").doesNotContain(EMAIL).doesNotContain("jane");
    assertNoValueLogged();
  }

  @Test
  void aCacheHitIsRestoredWithTheValuesOfItsOwnRequest() throws Exception {
    sim.answers(ANSWER, USAGE);
    JobProcessor processor = processor(AnswerRestore.with(Optional.of(KEY)));

    CompletionResult first =
        finished(processor, job("r-1", KEY.seal(mapping(EMAIL), "team-a", "r-1"))).result();
    CompletionResult second =
        finished(processor, job("r-2", KEY.seal(mapping(OTHER_EMAIL), "team-a", "r-2"))).result();

    assertThat(sim.calls()).hasSize(1);
    assertThat(second.getCached()).isTrue();
    assertThat(first.getOutput().getText()).contains(EMAIL);
    assertThat(second.getOutput().getText()).contains(OTHER_EMAIL).doesNotContain(EMAIL);
  }

  @Test
  void aWrongKeyATamperedMappingOrNoKeyLeaveTheAnswerRedactedWithARestoreVerdict()
      throws Exception {
    byte[] sealed = KEY.seal(mapping(EMAIL), "team-a", "r-1");
    byte[] tampered = sealed.clone();
    tampered[sealed.length - 1] ^= 1;
    List<AnswerRestore> restores =
        List.of(
            AnswerRestore.with(Optional.of(RestoreKey.of(filled(6)))),
            AnswerRestore.with(Optional.of(KEY)),
            AnswerRestore.NO_KEY);
    List<byte[]> mappings = List.of(sealed, tampered, sealed);
    for (int i = 0; i < restores.size(); i++) {
      sim.answers(ANSWER, USAGE);

      CompletionResult result =
          finished(processor(restores.get(i)), job("r-1", mappings.get(i))).result();

      assertThat(result.getStatus()).as("case %d", i).isEqualTo(ResultStatus.SUCCEEDED);
      assertThat(result.getOutput().getText()).as("case %d", i).isEqualTo(ANSWER);
      assertThat(result.getGuard())
          .extracting(
              DetectorVerdict::getDetector, DetectorVerdict::getAction, DetectorVerdict::getCount)
          .containsExactly(tuple("email", "redact", 1), tuple("restore", "redact", 1));
    }
    assertThat(logs.events())
        .extracting(ILoggingEvent::getFormattedMessage)
        .filteredOn(line -> line.contains("keeps its placeholders"))
        .hasSize(3);
    assertNoValueLogged();
  }

  @Test
  void aStreamedAnswersChunksKeepThePlaceholdersAndItsFinalResultIsRestored() throws Exception {
    sim.streams(USAGE, "I will write to ", "[EMAIL_1]", " today.");
    RoutedRequest sealed = job("r-1", KEY.seal(mapping(EMAIL), "team-a", "r-1"));
    RoutedRequest job =
        new RoutedRequest(
            CompletionRequest.newBuilder(sealed.getRequest()).setStream(true).build(),
            sealed.getDecision(),
            List.of());

    CompletionResult result = answer(job, AnswerRestore.with(Optional.of(KEY)));

    assertThat(chunks)
        .extracting(CompletionChunk::getTextDelta)
        .containsExactly("I will write to ", "[EMAIL_1]", " today.");
    assertThat(result.getOutput().getText()).isEqualTo("I will write to " + EMAIL + " today.");
  }

  @Test
  void aToolCallsArgumentsGetTheValuesBackEscapedAsJsonAndOnlyCountWhenTheyCannot()
      throws Exception {
    // The model asked for a tool with the placeholder it saw; the caller runs the tool, so it
    // gets the value, written as JSON (a quote in it escaped).
    sim.answers(ANSWER, USAGE);
    String quoted = "jane\"doe@example.com";
    CompletionResult answered = answer(job("r-1", null), AnswerRestore.NO_KEY);
    CompletionResult withCall =
        CompletionResult.newBuilder(answered)
            .setOutput(
                Output.newBuilder(answered.getOutput())
                    .setToolCalls(
                        List.of(new ToolCall("call_1", "send_mail", "{\"to\": \"[EMAIL_1]\"}")))
                    .build())
            .build();
    RoutedRequest sealed = job("r-1", KEY.seal(mapping(quoted), "team-a", "r-1"));

    CompletionResult restored = AnswerRestore.with(Optional.of(KEY)).restore(withCall, sealed);
    CompletionResult unopened = AnswerRestore.NO_KEY.restore(withCall, sealed);

    assertThat(restored.getOutput().getToolCalls().getFirst().getArguments())
        .isEqualTo("{\"to\": \"jane\\\"doe@example.com\"}");
    assertThat(unopened.getGuard())
        .contains(new DetectorVerdict(RestoreKey.VERDICT, "redact", 2, 0.0));
  }

  @Test
  void aJobWithoutASealedMappingIsLeftAsItIs() throws Exception {
    sim.answers(ANSWER, USAGE);

    CompletionResult result = answer(job("r-1", null), AnswerRestore.with(Optional.of(KEY)));

    assertThat(result.getOutput().getText()).isEqualTo(ANSWER);
    assertThat(result.getGuard()).isEqualTo(INPUT_VERDICTS);
  }

  private void assertNoValueLogged() {
    assertThat(logs.events())
        .extracting(ILoggingEvent::getFormattedMessage)
        .noneMatch(line -> line.contains(EMAIL) || line.contains("jane"));
  }

  private CompletionResult answer(RoutedRequest job, AnswerRestore restore)
      throws InterruptedException {
    return finished(processor(restore), job).result();
  }

  private JobOutcome.Finished finished(JobProcessor processor, RoutedRequest job)
      throws InterruptedException {
    return OutputModerationTest.finished(processor, job, chunks);
  }

  private JobProcessor processor(AnswerRestore restore) {
    return OutputModerationTest.processor(sim, cache, clock, OutputModeration.localOnly(), restore);
  }

  /** A redacted job {@code id} of team-a for sim/sim-mini, with {@code sealed} on its decision. */
  private RoutedRequest job(String id, byte[] sealed) {
    CompletionRequest request =
        CompletionRequest.newBuilder()
            .setId(id)
            .setTeam("team-a")
            .setModel("cheap")
            .setMessages(
                List.of(
                    Message.newBuilder()
                        .setRole(Role.USER)
                        .setText("Draft a reply to [EMAIL_1]")
                        .build()))
            .build();
    RoutingDecision decision =
        RoutingDecision.newBuilder()
            .setProvider("sim")
            .setModel("sim-mini")
            .setReason("test routes to sim/sim-mini")
            .setRoutedAt(clock.instant())
            .setGuard(INPUT_VERDICTS)
            .setRestoreMapping(sealed == null ? null : ByteBuffer.wrap(sealed))
            .build();
    return new RoutedRequest(request, decision, List.of());
  }

  private static Redactions mapping(String email) {
    Redactions redactions = new Redactions();
    redactions.placeholder("EMAIL", email);
    return redactions;
  }

  private static byte[] filled(int b) {
    byte[] raw = new byte[32];
    Arrays.fill(raw, (byte) b);
    return raw;
  }
}
