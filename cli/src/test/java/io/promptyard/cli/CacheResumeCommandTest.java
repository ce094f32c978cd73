package io.promptyard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.SemanticPause;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code promptyard cache resume --team T}, its topics recorded ({@link RecordedKafka}): an
 * operator's resume on the semantic-pauses topic, keyed by the team, and on the audit trail.
 */
class CacheResumeCommandTest {

  private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
  private static final Topics TOPICS = Topics.defaults();

  private final RecordedKafka kafka =
      new RecordedKafka()
          .topic(TOPICS.semanticPauses(), 1, Map.of("cleanup.policy", "compact"))
          .topic(TOPICS.audit(), 1, Map.of());
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void resumeWritesAnOperatorsResumeOfTheTeamAndRecordsIt() {
    int exit = run("cache", "resume", "--team", "search");

    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("semantic mode of team search resumed on " + TOPICS.semanticPauses());
    List<ProducerRecord<String, byte[]>> resumes =
        kafka.sent().stream().filter(r -> r.topic().equals(TOPICS.semanticPauses())).toList();
    assertThat(resumes).singleElement().satisfies(r -> assertThat(r.key()).isEqualTo("search"));
    SemanticPause resume = AvroSerde.of(SemanticPause.class).decode(resumes.getFirst().value());
    assertThat(resume.getPaused()).isFalse();
    assertThat(resume.getDecidedBy()).isEqualTo("operator");
    assertThat(resume.getDecidedAt()).isEqualTo(NOW);
    assertThat(kafka.sent()).anyMatch(r -> r.topic().equals(TOPICS.audit()));
  }

  private int run(String... args) {
    CommandLine cli =
        Main.commandLine(Map.of("HOME", "/nonexistent"), Clock.fixed(NOW, ZoneOffset.UTC), kafka);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }
}
