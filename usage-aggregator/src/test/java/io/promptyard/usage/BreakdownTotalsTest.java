package io.promptyard.usage;

import static io.promptyard.usage.UsageDriver.base;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.schemas.usage.Period;
import io.promptyard.usage.query.LocalQueries;
import io.promptyard.usage.query.Views.BreakdownRow;
import io.promptyard.usage.totals.Breakdown;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A team's totals by user, template and tag, read as the query API reads them. */
class BreakdownTotalsTest {

  private static final Instant MAR_3 = Instant.parse("2027-03-03T10:00:00Z");
  private static final Instant MAR_4 = Instant.parse("2027-03-04T10:00:00Z");
  private static final Instant APR_1 = Instant.parse("2027-04-01T00:30:00Z");

  private UsageDriver d = new UsageDriver();

  @AfterEach
  void tearDown() {
    d.close();
  }

  private List<BreakdownRow> rows(String team, Breakdown by, Period period, Instant at) {
    return new LocalQueries(name -> d.driver.getKeyValueStore(name))
        .breakdown(team, by, period, period.start(at));
  }

  private static Map<String, Long> requests(List<BreakdownRow> rows) {
    return rows.stream()
        .collect(
            java.util.stream.Collectors.toMap(
                BreakdownRow::value, BreakdownRow::requests, Long::sum, java.util.TreeMap::new));
  }

  @Test
  void eachEventCountsUnderItsUserItsTemplateAndVersionAndEachOfItsTags() {
    d.send(
        base("a:1", "acme", MAR_3)
            .setUser("ada")
            .setTemplate("faq")
            .setTemplateVersion("2")
            .setTags(Map.of("feature", "search", "env", "prod"))
            .setCostMicros(3_000)
            .build());
    d.send(
        base("b:1", "acme", MAR_4)
            .setUser("bob")
            .setTemplate("faq")
            .setTags(Map.of("feature", "search"))
            .setCostMicros(500)
            .build());
    d.send(base("c:1", "acme", MAR_4).setCostMicros(100).build()); // no user, template or tags
    d.send(UsageDriver.failed("c:2", "acme", MAR_4, ErrorCode.TIMEOUT)); // an error, not a request
    d.send(base("x:1", "other-team", MAR_4).setUser("ada").build());

    List<BreakdownRow> users = rows("acme", Breakdown.USER, Period.MONTH, MAR_3);
    assertThat(users)
        .extracting(BreakdownRow::value)
        .as("costliest first")
        .containsExactly("ada", "bob", "(none)");
    assertThat(users.get(0).costMicros()).isEqualTo(3_000);
    assertThat(users.get(2).requests()).isEqualTo(1);
    assertThat(users.get(2).errors()).isEqualTo(1);
    assertThat(requests(rows("acme", Breakdown.TEMPLATE, Period.MONTH, MAR_3)))
        .containsExactly(Map.entry("(none)", 1L), Map.entry("faq", 1L), Map.entry("faq@2", 1L));
    assertThat(requests(rows("acme", Breakdown.TAG, Period.MONTH, MAR_3)))
        .as("a request counts under each of its tags")
        .containsExactly(
            Map.entry("(none)", 1L), Map.entry("env=prod", 1L), Map.entry("feature=search", 2L));
    assertThat(requests(rows("acme", Breakdown.USER, Period.DAY, MAR_3)))
        .containsExactly(Map.entry("ada", 1L));
    assertThat(requests(rows("acme", Breakdown.USER, Period.DAY, MAR_4)))
        .containsExactly(Map.entry("(none)", 1L), Map.entry("bob", 1L));
    assertThat(requests(rows("other-team", Breakdown.USER, Period.MONTH, MAR_4)))
        .containsExactly(Map.entry("ada", 1L));
  }

  @Test
  void anEventDeliveredTwiceIsCountedOnce() {
    var e = base("a:1", "acme", MAR_3).setUser("ada").setTags(Map.of("k", "v")).build();
    d.send(e);
    d.send(e);

    assertThat(requests(rows("acme", Breakdown.USER, Period.MONTH, MAR_3)))
        .containsExactly(Map.entry("ada", 1L));
    assertThat(requests(rows("acme", Breakdown.TAG, Period.DAY, MAR_3)))
        .containsExactly(Map.entry("k=v", 1L));
  }

  @Test
  void valuesBeyondTheBoundAreFoldedIntoOtherForTheRestOfTheMonth() {
    d.close();
    d =
        new UsageDriver(
            UsageTopology.Options.defaults(Topics.defaults()).withMaxBreakdownValues(2));
    d.send(base("a:1", "acme", MAR_3).setUser("u1").setTags(Map.of("t", "1")).build());
    d.send(base("b:1", "acme", MAR_3).setUser("u2").setTags(Map.of("t", "2")).build());
    d.send(base("c:1", "acme", MAR_3).setUser("u3").setTags(Map.of("t", "3")).build());
    d.send(base("d:1", "acme", MAR_4).setUser("u4").build());
    d.send(base("e:1", "acme", MAR_4).setUser("u1").build());
    d.send(base("f:1", "beta", MAR_4).setUser("u9").build()); // another team, its own bound

    assertThat(requests(rows("acme", Breakdown.USER, Period.MONTH, MAR_3)))
        .containsExactly(Map.entry("(other)", 2L), Map.entry("u1", 2L), Map.entry("u2", 1L));
    assertThat(requests(rows("acme", Breakdown.USER, Period.DAY, MAR_4)))
        .as("a day's rows follow the month's choice")
        .containsExactly(Map.entry("(other)", 1L), Map.entry("u1", 1L));
    assertThat(requests(rows("acme", Breakdown.TAG, Period.MONTH, MAR_3)))
        .as("requests without tags are not held to the bound")
        .containsExactly(
            Map.entry("(none)", 2L),
            Map.entry("(other)", 1L),
            Map.entry("t=1", 1L),
            Map.entry("t=2", 1L));
    assertThat(requests(rows("beta", Breakdown.USER, Period.MONTH, MAR_4)))
        .containsExactly(Map.entry("u9", 1L));

    d.send(base("g:1", "acme", APR_1).setUser("u4").build());
    assertThat(requests(rows("acme", Breakdown.USER, Period.MONTH, APR_1)))
        .as("a new month starts a new bound")
        .containsExactly(Map.entry("u4", 1L));
  }

  @Test
  void longValuesAreCutAndEndWithAnEllipsis() {
    String key = "k".repeat(100);
    String user = "u".repeat(5_000);
    d.send(base("a:1", "acme", MAR_3).setUser(user).setTags(Map.of(key, "v")).build());

    String cutUser = "u".repeat(Breakdown.MAX_PART_CHARS - 1) + "…";
    assertThat(requests(rows("acme", Breakdown.USER, Period.DAY, MAR_3)))
        .containsExactly(Map.entry(cutUser, 1L));
    assertThat(requests(rows("acme", Breakdown.TAG, Period.DAY, MAR_3)))
        .containsExactly(Map.entry("k".repeat(Breakdown.MAX_PART_CHARS - 1) + "…=v", 1L));
  }

  @Test
  void anUnknownDimensionIsAClearError() {
    assertThatThrownBy(() -> Breakdown.of("model"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("user, template or tag");
  }
}
