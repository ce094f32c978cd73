package io.promptyard.usage;

import static io.promptyard.testkit.local.LocalService.CHROMIUM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.TokenUsage;
import io.promptyard.schemas.UsageEvent;
import io.promptyard.schemas.money.MicroDollars;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.KafkaBrokerExtension;
import io.promptyard.testkit.local.Needs;
import io.promptyard.usage.UsageFixture.Sums;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard in Debian's headless Chromium shows the figures the API returns, in its tables and
 * charts, and follows new usage by itself. The screenshot of the whole page is kept in {@code
 * target/dashboard.png}.
 */
@Needs(CHROMIUM)
@ExtendWith(KafkaBrokerExtension.class)
class DashboardIT {

  /** The sixth day of a month, late enough in it for a run-rate projection. */
  private static final Instant NOW = Instant.parse("2027-03-06T14:00:30Z");

  /**
   * The first minute of the same month, too early in it for a forecast alert: a team that reaches
   * its budget raises its threshold alert only.
   */
  private static final Instant FIRST_MINUTE = Instant.parse("2027-03-01T00:00:30Z");

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  @Test
  void theDashboardShowsTheFiguresTheApiReturnsAndRefreshesItself(EmbeddedKafka kafka)
      throws Exception {
    Topics topics = new Topics("dash-" + System.nanoTime() + ".");
    List<UsageEvent> events = new ArrayList<>(UsageFixture.eventsBefore("dash", 500, NOW));
    events.addAll(earlierThisMonth());
    Map<String, Sums> expected = UsageFixture.expected(events);
    Path profile = Files.createTempDirectory("promptyard-chromium-");
    try (KafkaProducer<String, byte[]> producer = UsageFixture.producer(kafka);
        UsageAggregatorApp app = aggregator(kafka, topics, config -> config, NOW)) {
      UsageFixture.setBudget(producer, topics, "team-2", 500_000L, List.of(50, 80, 100), NOW);
      UsageFixture.setBudget(
          producer, topics, "team-3", expected.get("team-3").costMicros(), List.of(100), NOW);
      UsageFixture.send(producer, topics, events);
      UsageFixture.awaitTotals(expected, app);
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(
              () ->
                  UsageFixture.get(app.httpPort(), "/api/alerts")
                      .get("alerts")
                      .findValuesAsText("id")
                      .contains("team-3|" + monthLabel() + "|threshold-100"));
      // two shadow verifications of team-1's semantic hits, one of them a disagreement
      UsageFixture.send(
          producer,
          topics,
          List.of(
              UsageDriver.shadow("dash-shadow-1:shadow:1", "team-1", NOW, true, 700),
              UsageDriver.shadow("dash-shadow-2:shadow:1", "team-1", NOW, false, 800)));
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(
              () ->
                  UsageFixture.get(app.httpPort(), "/api/teams")
                      .get("teams")
                      .findValuesAsText("monthShadowedHits")
                      .contains("2"));
      UsageFixture.sendGuardedResults(producer, topics, NOW);
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(
              () ->
                  UsageFixture.get(app.httpPort(), "/api/guard?period=month").get("rows").size()
                      == 3);

      ChromeDriver browser = chromium(profile);
      try {
        browser.get("http://localhost:" + app.httpPort() + "/?refresh=1");
        awaitLoaded(browser);

        JsonNode api = UsageFixture.get(app.httpPort(), "/api/teams");
        for (JsonNode team : api.get("teams")) {
          String row = "#teams tr[data-team='" + team.get("team").asText() + "'] ";
          assertThat(text(browser, row + ".spent-month"))
              .isEqualTo(MicroDollars.format(team.get("monthCostMicros").asLong()));
          assertThat(text(browser, row + ".spent-day"))
              .isEqualTo(MicroDollars.format(team.get("dayCostMicros").asLong()));
          assertThat(text(browser, row + ".requests").replace(",", ""))
              .isEqualTo(team.get("monthRequests").asText());
        }
        assertThat(text(browser, "#teams tr[data-team='team-3'] .budget"))
            .isEqualTo(MicroDollars.format(expected.get("team-3").costMicros()));
        assertThat(text(browser, "#teams tr[data-team='team-3'] .budget-used")).isEqualTo("100%");
        assertThat(text(browser, "#teams tr[data-team='team-0'] .budget-used"))
            .isEqualTo("no budget");
        assertThat(text(browser, "#teams tr[data-team='team-1'] .false-hits"))
            .isEqualTo("1 of 2 (50.0%)");
        assertThat(text(browser, "#teams tr[data-team='team-1'] .shadow-cost"))
            .isEqualTo(MicroDollars.format(1_500));
        assertThat(text(browser, "#teams tr[data-team='team-0'] .false-hits")).isEqualTo("—");

        JsonNode providers = UsageFixture.get(app.httpPort(), "/api/providers?period=day");
        for (JsonNode p : providers.get("providers")) {
          String row =
              "#providers tr[data-provider='"
                  + p.get("provider").asText()
                  + "/"
                  + p.get("model").asText()
                  + "'] ";
          assertThat(text(browser, row + ".cost-per-1k"))
              .isEqualTo(MicroDollars.format(p.get("costPer1kRequestsMicros").asLong()));
          assertThat(text(browser, row + ".p50"))
              .isEqualTo(p.get("latencyP50Millis").asText() + " ms");
        }
        assertThat(
                text(
                    browser,
                    "#alerts tr[data-alert='team-3|" + monthLabel() + "|threshold-100'] .message"))
            .contains("team team-3 has spent");
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> rows(browser, "#guard tbody tr", "data-guard").size() == 3);
        String redacted = "#guard tr[data-guard='team-1/email/redact'] ";
        assertThat(text(browser, redacted + ".today")).isEqualTo("1");
        assertThat(text(browser, redacted + ".month")).isEqualTo("1");
        assertThat(text(browser, redacted + ".findings")).isEqualTo("2");
        assertThat(text(browser, "#guard tr[data-guard='team-1/secret/block'] .month"))
            .isEqualTo("1");

        UsageEvent late = UsageFixture.event("dash-more", 2, NOW);
        UsageFixture.send(producer, topics, List.of(late));
        String after =
            MicroDollars.format(expected.get("team-2").costMicros() + late.getCostMicros());
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> text(browser, "#teams tr[data-team='team-2'] .spent-month").equals(after));

        assertChartsShow(browser, app.httpPort());
        // the whole page, charts and all, in one screenshot
        long height = (Long) browser.executeScript("return document.documentElement.scrollHeight;");
        browser.manage().window().setSize(new Dimension(1400, (int) height + 40));
        Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, Path.of("target", "dashboard.png"), StandardCopyOption.REPLACE_EXISTING);
      } finally {
        browser.quit();
      }
    }
  }

  @Test
  void withTokensThePageAsksForOneAndATeamTokenShowsThatTeamOnly(EmbeddedKafka kafka)
      throws Exception {
    Topics topics = new Topics("dash-tokens-" + System.nanoTime() + ".");
    List<UsageEvent> events = UsageFixture.eventsBefore("dash-tokens", 100, FIRST_MINUTE);
    Map<String, Sums> expected = UsageFixture.expected(events);
    Path profile = Files.createTempDirectory("promptyard-chromium-");
    try (KafkaProducer<String, byte[]> producer = UsageFixture.producer(kafka);
        UsageAggregatorApp app =
            aggregator(kafka, topics, UsageFixture::withTokens, FIRST_MINUTE)) {
      for (String team : List.of("team-1", "team-2")) {
        UsageFixture.setBudget(
            producer, topics, team, expected.get(team).costMicros(), List.of(100), FIRST_MINUTE);
      }
      UsageFixture.send(producer, topics, events);
      UsageFixture.awaitTotals(expected, app);
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(
              () ->
                  UsageFixture.get(app.httpPort(), "/api/alerts", UsageFixture.FULL_TOKEN)
                          .get("alerts")
                          .size()
                      == 2);
      UsageFixture.sendGuardedResults(producer, topics, NOW);
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(
              () ->
                  UsageFixture.get(
                              app.httpPort(), "/api/guard?period=month", UsageFixture.FULL_TOKEN)
                          .get("rows")
                          .size()
                      == 3);
      String page = "http://localhost:" + app.httpPort() + "/?refresh=1";

      ChromeDriver browser = chromium(profile);
      try {
        browser.get(page + "#token=" + UsageFixture.TEAM_1_TOKEN);
        awaitLoaded(browser);
        assertThat(browser.getCurrentUrl()).doesNotContain(UsageFixture.TEAM_1_TOKEN);
        assertThat(rows(browser, "#teams tbody tr", "data-team")).containsExactly("team-1");
        assertThat(text(browser, "#teams tr[data-team='team-1'] .spent-month"))
            .isEqualTo(MicroDollars.format(expected.get("team-1").costMicros()));
        assertThat(rows(browser, "#alerts tbody tr", "data-alert"))
            .containsExactly("team-1|" + monthLabel() + "|threshold-100");
        assertThat(rows(browser, "#models tbody tr", "data-model")).isNotEmpty();
        assertThat(browser.findElement(By.id("providers-section")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("provider-charts-section")).isDisplayed()).isFalse();
        assertThat(rows(browser, "#spend-legend li", "data-team")).containsExactly("team-1");
        assertThat(text(browser, "#scope")).contains("team-1");
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> rows(browser, "#guard tbody tr", "data-guard").size() == 2);
        assertThat(rows(browser, "#guard tbody tr", "data-guard"))
            .containsExactlyInAnyOrder("team-1/email/redact", "team-1/secret/block");

        browser.executeScript("sessionStorage.clear()");
        browser.get(page);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> browser.findElement(By.id("login")).isDisplayed());
        signIn(browser, "wrong-" + UsageFixture.FULL_TOKEN);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> text(browser, "#login-error").contains("not accepted"));
        signIn(browser, UsageFixture.FULL_TOKEN);
        awaitLoaded(browser);
        assertThat(rows(browser, "#teams tbody tr", "data-team"))
            .containsExactlyInAnyOrderElementsOf(expected.keySet());
        assertThat(browser.findElement(By.id("providers-section")).isDisplayed()).isTrue();
        assertThat(rows(browser, "#alerts tbody tr", "data-alert")).hasSize(2);
      } finally {
        browser.quit();
      }
    }
  }

  /**
   * The charts are drawn, and their legends give the figures of the chart API: each team's spend
   * and projection, each provider model's calls.
   */
  private static void assertChartsShow(ChromeDriver browser, int port) throws Exception {
    for (String chart : List.of("spend-chart", "latency-chart", "errors-chart")) {
      assertThat(browser.findElements(By.cssSelector("#" + chart + " canvas")))
          .as(chart)
          .singleElement()
          .satisfies(canvas -> assertThat(canvas.getSize().getHeight()).isPositive());
    }
    JsonNode spend = UsageFixture.get(port, "/api/charts/spend");
    assertThat(spend.get("teams").findValuesAsText("team"))
        .containsExactlyInAnyOrder("team-0", "team-1", "team-2", "team-3", "team-4");
    for (JsonNode team : spend.get("teams")) {
      String item = "#spend-legend li[data-team='" + team.get("team").asText() + "'] ";
      assertThat(text(browser, item + ".spent"))
          .isEqualTo(MicroDollars.format(team.get("spentMicros").asLong()));
      assertThat(text(browser, item + ".projected"))
          .isEqualTo(MicroDollars.format(team.get("projectedMicros").asLong()));
    }
    assertThat(text(browser, "#spend-legend li[data-team='team-2']"))
        .contains("budget $0.500000", "projected over budget");
    JsonNode hourly = UsageFixture.get(port, "/api/charts/providers?hours=24");
    for (JsonNode model : hourly.get("models")) {
      long calls = 0;
      long failed = 0;
      for (int i = 0; i < 24; i++) {
        calls += model.get("providerCalls").get(i).asLong();
        failed += model.get("errors").get(i).asLong();
      }
      String id = model.get("provider").asText() + "/" + model.get("model").asText();
      assertThat(text(browser, "#errors-legend li[data-provider='" + id + "'] .summary"))
          .startsWith(String.format(Locale.US, "%,d of %,d calls failed", failed, calls));
      assertThat(failed).as("some calls failed").isPositive();
    }
  }

  /**
   * Usage on the five days before today and over the last 24 hours, costing more the higher the
   * team's number, every 7th call of those hours a timeout: the charts have days, hours and teams
   * to tell apart.
   */
  private static List<UsageEvent> earlierThisMonth() {
    List<UsageEvent> events = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      events.add(dearer(UsageFixture.event("dash-days", i, NOW.minus(Duration.ofHours(24 + i)))));
    }
    for (int i = 0; i < 480; i++) {
      UsageEvent e =
          dearer(UsageFixture.event("dash-hours", i, NOW.minus(Duration.ofMinutes(3 * i + 1))));
      if (i % 7 == 3) {
        e =
            UsageEvent.newBuilder(e)
                .setErrorCode(ErrorCode.TIMEOUT)
                .setCostMicros(0)
                .setUsage(new TokenUsage(0L, 0L, 0L, 0L))
                .build();
      }
      events.add(e);
    }
    return events;
  }

  /** The event, costing as many times more as its team's number plus one. */
  private static UsageEvent dearer(UsageEvent e) {
    int times = 1 + Integer.parseInt(e.getTeam().substring("team-".length()));
    return UsageEvent.newBuilder(e).setCostMicros(e.getCostMicros() * times).build();
  }

  /**
   * An aggregator on three partitions whose clock stands at {@code now}, configured by {@code how}.
   */
  private static UsageAggregatorApp aggregator(
      EmbeddedKafka kafka, Topics topics, UnaryOperator<AggregatorConfig> how, Instant now) {
    return UsageAggregatorApp.start(
        how.apply(
            AggregatorConfig.embedded(
                UsageFixture.common(kafka, topics, 3), "dash-app-" + topics.prefix(), null)),
        Clock.fixed(now, ZoneOffset.UTC));
  }

  private static void signIn(ChromeDriver browser, String token) {
    browser.findElement(By.id("token")).sendKeys(token);
    browser.findElement(By.cssSelector("#login button")).click();
  }

  private static void awaitLoaded(ChromeDriver browser) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                "true"
                    .equals(
                        browser.findElement(By.tagName("body")).getDomAttribute("data-loaded")));
  }

  /**
   * The {@code attribute} of every element {@code css} selects, in page order, read in one script
   * run: the page redraws itself every second, and element by element, a loaded machine once had
   * every one of five tries meet a redrawn (stale) row.
   */
  @SuppressWarnings("unchecked")
  private static List<String> rows(ChromeDriver browser, String css, String attribute) {
    return (List<String>)
        browser.executeScript(
            "return Array.from(document.querySelectorAll(arguments[0]))"
                + ".map(e => e.getAttribute(arguments[1]));",
            css,
            attribute);
  }

  /**
   * The text of the element {@code css} selects; the page redraws itself every second, so a stale
   * element is looked up again.
   */
  private static String text(ChromeDriver browser, String css) {
    for (int attempt = 1; ; attempt++) {
      try {
        return browser.findElement(By.cssSelector(css)).getText();
      } catch (StaleElementReferenceException e) {
        if (attempt == 5) {
          throw e;
        }
      }
    }
  }

  private static String monthLabel() {
    return io.promptyard.schemas.usage.Period.MONTH.format(NOW);
  }

  private static ChromeDriver chromium(Path profile) {
    System.setProperty(
        "webdriver.chrome.driver",
        CHROMEDRIVER.toString()); // so Selenium Manager downloads nothing
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--user-data-dir=" + profile,
        "--window-size=1400,1000");
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    return new ChromeDriver(service, options);
  }
}
