package io.promptyard.router.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.router.routing.ComplexityEstimator.Complexity;
import io.promptyard.router.routing.ComplexityEstimator.Signal;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.ResponseFormat;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.ToolDefinition;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each signal of the complexity score, found where it is and not where it is not. */
class ComplexityEstimatorTest {

  private static Complexity of(String user) {
    return ComplexityEstimator.estimate(request(null, user, null));
  }

  private static CompletionRequest request(String system, String user, Parameters parameters) {
    List<Message> messages = new ArrayList<>();
    if (system != null) {
      messages.add(Message.newBuilder().setRole(Role.SYSTEM).setText(system).build());
    }
    messages.add(Message.newBuilder().setRole(Role.USER).setText(user).build());
    return CompletionRequest.newBuilder()
        .setId("c-1")
        .setTeam("team-a")
        .setModel("auto")
        .setMessages(messages)
        .setParameters(parameters)
        .build();
  }

  @Test
  void aShortQuestionScoresZeroWithNoSignals() {
    Complexity c = of("Who wrote Pride and Prejudice?");

    assertThat(c.score()).isZero();
    assertThat(c.describe()).isEqualTo("no signals");
  }

  @Test
  void aCodingTaskAndPastedCodeAreCode() {
    assertThat(of("Implement an LRU cache in Java with O(1) get and put.").signals())
        .containsExactly(Signal.CODE);
    Complexity trace =
        of(
            "Why does this fail?\n\nTraceback (most recent call last):\n"
                + "  File \"report.py\", line 18, in <module>\n"
                + "TypeError: unsupported operand type(s) for +: 'int' and 'str'");
    assertThat(trace.signals()).contains(Signal.CODE);
    assertThat(trace.score()).isGreaterThanOrEqualTo(0.8);
  }

  @Test
  void aDebuggingQuestionCountsAsCodeOnlyAboutCode() {
    assertThat(of("My bike chain keeps slipping, what is wrong?").signals())
        .doesNotContain(Signal.CODE);
    assertThat(
            of("What is wrong here?\n\n```go\nfunc main() { var m map[string]int; m[\"a\"]++ }\n```")
                .weights())
        .containsEntry(Signal.CODE, 0.8);
  }

  @Test
  void equationsProofsAndWordProblemsAreMath() {
    assertThat(of("Solve for x: 2x^2 - 7x + 3 = 0.").signals()).contains(Signal.MATH);
    assertThat(of("Prove that the square root of 2 is irrational.").signals())
        .contains(Signal.MATH);
    assertThat(
            of("A train goes 120 km/h and another 150 km/h, 600 km apart. How long until they meet?")
                .signals())
        .contains(Signal.MATH);
    assertThat(of("The meeting moved from 2026-11-03 to 2026-11-05.").signals())
        .doesNotContain(Signal.MATH);
  }

  @Test
  void reasoningMarkersAndNumberedSubQuestionsAreMultiStep() {
    assertThat(of("Compare Kafka and RabbitMQ and recommend one.").weights())
        .containsEntry(Signal.MULTI_STEP, 0.5);
    assertThat(of("Think it through.").weights()).containsEntry(Signal.MULTI_STEP, 0.35);
    assertThat(
            of("Three questions:\n1. Why is the sky blue?\n2. Why is it red at dusk?\n3. And at noon?")
                .signals())
        .contains(Signal.MULTI_STEP);
  }

  @Test
  void severalConstraintsOnTheAnswerAreConstraints() {
    assertThat(
            of("Write a cover letter. It must be under 300 words, avoid jargon and end with a question.")
                .signals())
        .contains(Signal.CONSTRAINTS);
    assertThat(of("Write a thank-you letter, keep it formal.").signals())
        .doesNotContain(Signal.CONSTRAINTS);
  }

  @Test
  void aLongAskIsDetailed() {
    String ask =
        "I'm choosing between two job offers, one at a stable bank with a longer commute and one at"
            + " a young startup that is fully remote and pays partly in equity, and I would like to"
            + " understand which questions to ask each of them before I decide anything at all.";

    assertThat(of(ask).weights()).containsEntry(Signal.DETAILED_ASK, 0.25);
  }

  @Test
  void anEssayOrALargeMaxTokensIsLongOutput() {
    assertThat(of("Write a 2000 words essay on trains.").signals()).contains(Signal.LONG_OUTPUT);
    Parameters large = Parameters.newBuilder().setMaxTokens(4_000).build();
    assertThat(
            ComplexityEstimator.estimate(request(null, "Tell me about trains.", large)).weights())
        .containsEntry(Signal.LONG_OUTPUT, 0.2);
  }

  @Test
  void aLongContextIsLongInput() {
    String document = "The export ran late because a report held a lock. ".repeat(1_000);

    assertThat(of("Here is a log.\n\n" + document).signals()).contains(Signal.LONG_INPUT);
  }

  @Test
  void toolsAndAJsonSchemaAnswerAreSignals() {
    Parameters tools =
        Parameters.newBuilder()
            .setTools(
                List.of(
                    ToolDefinition.newBuilder()
                        .setName("get_weather")
                        .setParametersJson("{}")
                        .build()))
            .build();
    Parameters schema =
        Parameters.newBuilder()
            .setResponseFormat(
                ResponseFormat.newBuilder().setType("json_schema").setSchemaJson("{}").build())
            .build();

    assertThat(ComplexityEstimator.estimate(request(null, "Weather in Paris?", tools)).signals())
        .containsExactly(Signal.TOOLS);
    assertThat(ComplexityEstimator.estimate(request(null, "Who is it from?", schema)).signals())
        .containsExactly(Signal.STRUCTURED_OUTPUT);
  }

  @Test
  void aDemandingSystemPromptIsSystemDemands() {
    String system =
        "You must always cite the clause. Never give a definitive opinion. Always consider English"
            + " law. Do not summarise. Answer in at most 300 words.";

    assertThat(
            ComplexityEstimator.estimate(request(system, "Is this clause risky?", null)).signals())
        .containsExactly(Signal.SYSTEM_DEMANDS);
    assertThat(
            ComplexityEstimator.estimate(request("You are a friendly bot.", "Hi!", null)).signals())
        .isEmpty();
  }

  @Test
  void aLongTextToSummariseStaysUnderTheDefaultThresholdWhereAnAnalysisOfItDoesNot() {
    String report =
        ("On Tuesday the export finished late. The team will plan a fix, compare two designs and"
                    + " analyse the risks.\n\n")
                .repeat(40)
            + "The export finished at 05:45.\n";

    Complexity summary = of("Summarise this report in five bullet points.\n\n" + report);
    Complexity analysis =
        of(
            "Identify the root causes in this report and propose a prioritised plan with"
                + " trade-offs.\n\n"
                + report);

    Complexity summaryAfter = of(report + "\nSummarise the report above for the finance team.");

    assertThat(summary.signals()).contains(Signal.ROUTINE).doesNotContain(Signal.MULTI_STEP);
    assertThat(summary.score()).isLessThan(AutoRouting.DEFAULT_THRESHOLD);
    assertThat(summaryAfter.signals()).contains(Signal.ROUTINE);
    assertThat(summaryAfter.score()).isLessThan(AutoRouting.DEFAULT_THRESHOLD);
    assertThat(analysis.score()).isGreaterThanOrEqualTo(AutoRouting.DEFAULT_THRESHOLD);
  }

  @Test
  void theScoreIsClampedToOne() {
    Complexity c =
        of(
            "Design and implement in Java a thread-safe algorithm, prove it correct step by step,"
                + " and compare the trade-offs; it must be exactly 2000 words, avoid jargon, and"
                + " include tests.\n\n```java\nclass A {\n  int x;\n}\n```");

    assertThat(c.score()).isEqualTo(1.0);
  }
}
