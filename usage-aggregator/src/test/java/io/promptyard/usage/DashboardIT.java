package io.promptyard.usage;

import static io.promptyard.testkit.local.LocalService.CHROMIUM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard in Debian's headless Chromium shows the figures the API returns, and follows new
 * usage by itself. The screenshot is kept in {@code target/dashboard.png}.
 */
@Needs(CHROMIUM)
@ExtendWith(KafkaBrokerExtension.class)
class DashboardIT {

  /** The first minute of a month, too early in it for a run-rate forecast. */
  private static final Instant NOW = Instant.parse("2027-03-01T00:00:30Z");

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  @Test
  void theDashboardShowsTheFiguresTheApiReturnsAndRefreshesItself(EmbeddedKafka kafka)
      throws Exception {
    Topics topics = new Topics("dash-" + System.nanoTime() + ".");
    List<UsageEvent> events = UsageFixture.eventsBefore("dash", 500, NOW);
    Map<String, Sums> expected = UsageFixture.expected(events);
    Path profile = Files.createTempDirectory("promptyard-chromium-");
    try (KafkaProducer<String, byte[]> producer = UsageFixture.producer(kafka);
        UsageAggregatorApp app = aggregator(kafka, topics, config -> config)) {
      UsageFixture.setBudget(producer, topics, "team-2", 250_000_000L, List.of(50, 80, 100), NOW);
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
    List<UsageEvent> events = UsageFixture.eventsBefore("dash-tokens", 100, NOW);
    Map<String, Sums> expected = UsageFixture.expected(events);
    Path profile = Files.createTempDirectory("promptyard-chromium-");
    try (KafkaProducer<String, byte[]> producer = UsageFixture.producer(kafka);
        UsageAggregatorApp app = aggregator(kafka, topics, UsageFixture::withTokens)) {
      for (String team : List.of("team-1", "team-2")) {
        UsageFixture.setBudget(
            producer, topics, team, expected.get(team).costMicros(), List.of(100), NOW);
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

  /** An aggregator on three partitions at {@link #NOW}, configured by {@code how}. */
  private static UsageAggregatorApp aggregator(
      EmbeddedKafka kafka, Topics topics, UnaryOperator<AggregatorConfig> how) {
    return UsageAggregatorApp.start(
        how.apply(
            AggregatorConfig.embedded(
                UsageFixture.common(kafka, topics, 3), "dash-app-" + topics.prefix(), null)),
        Clock.fixed(NOW, ZoneOffset.UTC));
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

  /** The {@code attribute} of every element {@code css} selects, in page order. */
  private static List<String> rows(ChromeDriver browser, String css, String attribute) {
    for (int attempt = 1; ; attempt++) {
      try {
        return browser.findElements(By.cssSelector(css)).stream()
            .map(e -> e.getDomAttribute(attribute))
            .toList();
      } catch (StaleElementReferenceException e) {
        if (attempt == 5) {
          throw e;
        }
      }
    }
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
