package io.promptyard.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.TokenUsage;
import io.promptyard.schemas.UsageEvent;
import io.promptyard.schemas.UsageTotals;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.Topics;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UsageTopologyTest {

  private static final Instant DAY1 = Instant.parse("2026-11-23T10:00:00Z");
  private final Topics topics = Topics.defaults();
  private final AvroSerde<UsageEvent> events = AvroSerde.of(UsageEvent.class);
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> usage;
  private TestOutputTopic<String, UsageTotals> totals;
  private TestOutputTopic<String, DeadLetter> dlq;

  @BeforeEach
  void setUp() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "usage-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/usage-test-" + System.nanoTime());
    driver = new TopologyTestDriver(UsageTopology.build(topics), props);
    usage = driver.createInputTopic(topics.usage(), new StringSerializer(), new ByteArraySerializer());
    totals = driver.createOutputTopic(topics.usageTotals(), new StringDeserializer(), AvroSerde.of(UsageTotals.class));
    dlq = driver.createOutputTopic(topics.deadLetters(), new StringDeserializer(), AvroSerde.of(DeadLetter.class));
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  @Test
  void eventsOfATeamAddUpToItsDailyTotals() {
    usage.pipeInput("t1", events.encode(event("r1:1", "t1", DAY1, 100, 20, 1500, false, null)));
    usage.pipeInput("t1", events.encode(event("r2:1", "t1", DAY1.plusSeconds(60), 50, 10, 700, false, null)));

    UsageTotals day = store().get(UsageTopology.teamDayKey("t1", DAY1));
    assertThat(day.getRequests()).isEqualTo(2);
    assertThat(day.getInputTokens()).isEqualTo(150);
    assertThat(day.getOutputTokens()).isEqualTo(30);
    assertThat(day.getCostMicros()).isEqualTo(2200);
    assertThat(totals.readValuesToList()).last().isEqualTo(day);
  }

  @Test
  void anEventIdSeenTwiceCountsOnce() {
    byte[] once = events.encode(event("r1:1", "t1", DAY1, 100, 20, 1500, false, null));
    usage.pipeInput("t1", once);
    usage.pipeInput("t1", once);

    UsageTotals day = store().get(UsageTopology.teamDayKey("t1", DAY1));
    assertThat(day.getRequests()).isEqualTo(1);
    assertThat(day.getCostMicros()).isEqualTo(1500);
  }

  @Test
  void cacheHitsAndFailedCallsAreCountedApartFromRequests() {
    usage.pipeInput("t1", events.encode(event("r1:1", "t1", DAY1, 0, 0, 0, false, ErrorCode.RATE_LIMITED)));
    usage.pipeInput("t1", events.encode(event("r1:2", "t1", DAY1, 80, 10, 900, false, null)));
    usage.pipeInput("t1", events.encode(event("r2:1", "t1", DAY1, 80, 10, 0, true, null)));

    UsageTotals day = store().get(UsageTopology.teamDayKey("t1", DAY1));
    assertThat(day.getRequests()).isEqualTo(2);
    assertThat(day.getErrors()).isEqualTo(1);
    assertThat(day.getCacheHits()).isEqualTo(1);
    assertThat(day.getCostMicros()).isEqualTo(900);
    assertThat(day.getSavedCostMicros()).isEqualTo(900);
  }

  @Test
  void teamsAndDaysAreKeptApart() {
    usage.pipeInput("t1", events.encode(event("a:1", "t1", DAY1, 10, 1, 100, false, null)));
    usage.pipeInput("t2", events.encode(event("b:1", "t2", DAY1, 10, 1, 200, false, null)));
    usage.pipeInput("t1", events.encode(event("c:1", "t1", DAY1.plusSeconds(86_400), 10, 1, 400, false, null)));

    assertThat(store().get(UsageTopology.teamDayKey("t1", DAY1)).getCostMicros()).isEqualTo(100);
    assertThat(store().get(UsageTopology.teamDayKey("t2", DAY1)).getCostMicros()).isEqualTo(200);
    assertThat(store().get(UsageTopology.teamDayKey("t1", DAY1.plusSeconds(86_400))).getCostMicros()).isEqualTo(400);
  }

  @Test
  void undecodableUsageGoesToDeadLetterTopicAndAggregationContinues() {
    usage.pipeInput("t1", new byte[] {9, 9, 9});
    usage.pipeInput("t1", events.encode(event("r1:1", "t1", DAY1, 10, 1, 100, false, null)));

    DeadLetter letter = dlq.readValue();
    assertThat(letter.getErrorCode()).isEqualTo(ErrorCode.UNDECODABLE);
    assertThat(letter.getOriginTopic()).isEqualTo(topics.usage());
    assertThat(store().get(UsageTopology.teamDayKey("t1", DAY1)).getRequests()).isEqualTo(1);
  }

  private KeyValueStore<String, UsageTotals> store() {
    return driver.getKeyValueStore(UsageTopology.TEAM_DAILY_STORE);
  }

  private static UsageEvent event(String eventId, String team, Instant at, long in, long out, long cost, boolean cached,
      ErrorCode error) {
    return UsageEvent.newBuilder().setEventId(eventId).setRequestId(eventId.split(":")[0]).setTeam(team)
        .setProvider("sim").setModel("sim-mini").setUsage(new TokenUsage(in, out, 0L, 0L))
        .setCostMicros(cached ? 0 : cost).setSavedCostMicros(cached ? 900 : 0).setCached(cached)
        .setErrorCode(error).setOccurredAt(at).build();
  }
}
