package io.promptyard.worker.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.ContentPart;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.ModelRef;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A job whose model lacks a capability the request needs never reaches the provider. */
class CapabilityCheckTest {

  private final TestClock clock = new TestClock(Instant.parse("2026-03-01T12:00:00Z"));
  private final ScriptedProvider sim = new ScriptedProvider("sim");
  private final JobProcessor processor =
      InMemoryJobProcessor.of(
          ModelCatalog.bundled(),
          sim,
          new JobPolicy(
              3,
              new Backoff(Duration.ofMillis(1), Duration.ofMillis(5)),
              Duration.ofHours(1),
              Duration.ofDays(1)),
          clock);

  @Test
  void imageRequestRoutedToTextOnlyModelFailsWithoutAnyProviderCall() throws Exception {
    JobOutcome outcome = processor.process(imageJob(), c -> {});

    JobOutcome.Finished finished = (JobOutcome.Finished) outcome;
    assertThat(finished.result().getStatus()).isEqualTo(ResultStatus.FAILED);
    assertThat(finished.result().getError().getCode()).isEqualTo(ErrorCode.NO_CAPABLE_MODEL);
    assertThat(finished.result().getError().getMessage())
        .contains("sim/sim-mini lacks [VISION]")
        .contains("img-1");
    assertThat(finished.deadLetter()).isNotNull();
    assertThat(sim.calls()).isEmpty();
  }

  @Test
  void imageRequestMovesToTheFirstFallbackModelWithVisionWithoutCallingTheFirstModel()
      throws Exception {
    RoutedRequest pinned = imageJob();
    RoutedRequest job =
        new RoutedRequest(
            pinned.getRequest(),
            RoutingDecision.newBuilder(pinned.getDecision())
                .setFallbackChain(List.of(new ModelRef("sim", "sim-large")))
                .build(),
            List.of());

    JobOutcome outcome = processor.process(job, c -> {});

    JobOutcome.Forwarded forwarded = (JobOutcome.Forwarded) outcome;
    assertThat(forwarded.next().getDecision().getModel()).isEqualTo("sim-large");
    assertThat(forwarded.next().getDecision().getFallbackChain()).isEmpty();
    assertThat(forwarded.next().getDecision().getReason()).contains("lacks [VISION]");
    assertThat(sim.calls()).isEmpty();
  }

  private RoutedRequest imageJob() {
    Message withImage =
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
                        .build()))
            .build();
    CompletionRequest request =
        CompletionRequest.newBuilder()
            .setId("img-1")
            .setTeam("vision-team")
            .setModel("sim/sim-mini")
            .setMessages(List.of(withImage))
            .build();
    RoutingDecision decision =
        RoutingDecision.newBuilder()
            .setProvider("sim")
            .setModel("sim-mini")
            .setReason("pinned")
            .setRoutedAt(clock.instant())
            .build();
    return new RoutedRequest(request, decision, List.of());
  }
}
