package io.promptyard.usage.query;

import io.promptyard.schemas.Budget;
import io.promptyard.schemas.UsageTotals;
import io.promptyard.schemas.http.Access;
import io.promptyard.schemas.usage.Period;
import io.promptyard.usage.budget.BudgetAlerts;
import io.promptyard.usage.guard.GuardCount;
import io.promptyard.usage.query.QueryServer.Reply;
import io.promptyard.usage.query.Views.AccessView;
import io.promptyard.usage.query.Views.AlertView;
import io.promptyard.usage.query.Views.AlertsResponse;
import io.promptyard.usage.query.Views.BreakdownResponse;
import io.promptyard.usage.query.Views.BudgetView;
import io.promptyard.usage.query.Views.GuardResponse;
import io.promptyard.usage.query.Views.ProviderChartResponse;
import io.promptyard.usage.query.Views.ProviderView;
import io.promptyard.usage.query.Views.ProvidersResponse;
import io.promptyard.usage.query.Views.SpendChartResponse;
import io.promptyard.usage.query.Views.TeamSpend;
import io.promptyard.usage.query.Views.TeamSummary;
import io.promptyard.usage.query.Views.TeamUsageResponse;
import io.promptyard.usage.query.Views.TeamsResponse;
import io.promptyard.usage.query.Views.TotalsView;
import io.promptyard.usage.totals.Breakdown;
import io.promptyard.usage.totals.Totals;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The query API over every instance: a team's usage is answered by the instance that owns the
 * team's partition (others forward the call); teams, providers and alerts are gathered from all
 * instances and combined — provider totals are partial per partition and are merged, latency
 * histograms included. A caller with a team token reads its own team only: the team list and the
 * alerts are filtered to it, and another team's usage and the provider totals (which span teams)
 * are refused with 403.
 */
public final class UsageApi {

  private static final String LOCAL = "scope=local";
  private static final String BY = "/usage/by/";
  private static final int MAX_ROWS = 2_000;
  private static final Reply PROVIDERS_NEED_FULL_ACCESS =
      Reply.json(
          403,
          Map.of(
              "error",
              "provider totals combine every team's usage and need the full-access token"));

  private final LocalQueries local;
  private final Peers peers;
  private final Clock clock;
  private final Charts charts;
  private final ProviderPartials providerPartials;
  private final int maxBreakdownValues;

  /**
   * @param runRate projects a team's month to its end on the spend chart, as forecast alerts do
   * @param maxBreakdownValues the aggregator's bound on users, templates and tags per team and
   *     month, shown with each breakdown
   */
  public UsageApi(
      LocalQueries local, Peers peers, Clock clock, BudgetAlerts runRate, int maxBreakdownValues) {
    this.maxBreakdownValues = maxBreakdownValues;
    this.local = local;
    this.peers = peers;
    this.clock = clock;
    this.charts = new Charts(local, clock, runRate);
    this.providerPartials = new ProviderPartials(peers);
  }

  Reply answer(String path, Map<String, String> q, Caller caller) throws Exception {
    boolean localOnly = "local".equals(q.get("scope"));
    if (path.equals("/api/access")) {
      return Reply.json(
          200, new AccessView(caller.access() instanceof Access.Team(String team) ? team : null));
    }
    if (path.equals("/api/teams")) {
      return teams(q, localOnly, caller);
    }
    int by = path.indexOf(BY);
    if (path.startsWith("/api/teams/") && by > "/api/teams/".length()) {
      String team =
          URLDecoder.decode(path.substring("/api/teams/".length(), by), StandardCharsets.UTF_8);
      return breakdown(team, Breakdown.of(path.substring(by + BY.length())), q, caller);
    }
    if (path.startsWith("/api/teams/") && path.endsWith("/usage")) {
      String team =
          URLDecoder.decode(
              path.substring("/api/teams/".length(), path.length() - "/usage".length()),
              StandardCharsets.UTF_8);
      return teamUsage(team, q, caller);
    }
    if (path.equals("/api/providers")) {
      return providers(q, localOnly, caller);
    }
    if (path.equals("/api/alerts")) {
      return alerts(q, localOnly, caller);
    }
    if (path.equals("/api/charts/spend")) {
      return spendChart(q, localOnly, caller);
    }
    if (path.equals("/api/charts/providers")) {
      return providersChart(q, localOnly, caller);
    }
    if (path.equals("/api/guard")) {
      return guard(q, localOnly, caller);
    }
    return Reply.json(
        404,
        Map.of(
            "error",
            "no API at "
                + path
                + "; try /api/teams, /api/teams/{team}/usage,"
                + " /api/teams/{team}/usage/by/{user|template|tag}, /api/providers, /api/alerts,"
                + " /api/charts/spend, /api/charts/providers, /api/guard or /api/access"));
  }

  private Reply teams(Map<String, String> q, boolean localOnly, Caller caller) throws Exception {
    Instant now = clock.instant();
    String month = q.getOrDefault("month", Period.MONTH.format(now));
    String day = q.getOrDefault("day", Period.DAY.format(now));
    Period.MONTH.parse(month);
    Period.DAY.parse(day);
    List<TeamSummary> teams = new ArrayList<>(local.teams(month, day));
    List<String> unreachable = new ArrayList<>();
    if (!localOnly) {
      for (String body :
          peers.askOthers(
              "/api/teams?" + LOCAL + "&month=" + month + "&day=" + day, caller, unreachable)) {
        teams.addAll(QueryServer.JSON.readValue(body, TeamsResponse.class).teams());
      }
    }
    teams.removeIf(t -> !caller.access().mayRead(t.team()));
    teams.sort(
        Comparator.comparingLong(TeamSummary::monthCostMicros)
            .reversed()
            .thenComparing(TeamSummary::team));
    return Reply.json(200, new TeamsResponse(month, day, teams, unreachable));
  }

  private Reply teamUsage(String team, Map<String, String> q, Caller caller) throws Exception {
    if (!caller.access().mayRead(team)) {
      return Reply.json(403, Map.of("error", "this token reads its own team's usage only"));
    }
    Period period = Period.of(q.getOrDefault("period", "day"));
    Instant now = clock.instant();
    Instant to = q.containsKey("to") ? period.parse(q.get("to")) : period.start(now);
    Instant from = q.containsKey("from") ? period.parse(q.get("from")) : defaultFrom(period, to);
    if (from.isAfter(to)) {
      throw new IllegalArgumentException(
          "from (" + period.format(from) + ") is after to (" + period.format(to) + ")");
    }
    Reply elsewhere =
        atOwner(
            team,
            "/usage?period="
                + period.label()
                + "&from="
                + period.format(from)
                + "&to="
                + period.format(to),
            q,
            caller);
    if (elsewhere != null) {
      return elsewhere;
    }
    List<UsageTotals> rows = local.teamRows(team, period, from, to);
    if (rows.size() > MAX_ROWS) {
      throw new IllegalArgumentException(
          "more than " + MAX_ROWS + " rows; ask for a shorter range or a longer period");
    }
    Map<String, Totals> total = new TreeMap<>();
    rows.forEach(r -> LocalQueries.mergeInto(total, "total", r));
    Budget budget = local.budget(team);
    long spentThisMonth =
        local
            .teamRows(team, Period.MONTH, Period.MONTH.start(now), Period.MONTH.start(now))
            .stream()
            .mapToLong(UsageTotals::getCostMicros)
            .sum();
    return Reply.json(
        200,
        new TeamUsageResponse(
            team,
            period.label(),
            period.format(from),
            period.format(to),
            rows.stream().map(TotalsView::of).toList(),
            total.isEmpty() ? null : TotalsView.of(total.get("total").toRecord()),
            local.teamModels(team, period, from, to).stream().map(TotalsView::of).toList(),
            BudgetView.of(budget, spentThisMonth),
            Peers.name(peers.self())));
  }

  /**
   * A team's usage of one day or month ({@code period}, {@code at}; default today) by user,
   * template or tag, answered by the instance that owns the team's partition, where all of its
   * totals are.
   */
  private Reply breakdown(String team, Breakdown by, Map<String, String> q, Caller caller)
      throws Exception {
    if (!caller.access().mayRead(team)) {
      return Reply.json(403, Map.of("error", "this token reads its own team's usage only"));
    }
    Period period = Period.of(q.getOrDefault("period", "day"));
    if (period == Period.HOUR) {
      throw new IllegalArgumentException(
          "usage by " + by.label() + " is kept by day and by month, not by hour");
    }
    String at = q.getOrDefault("at", period.format(clock.instant()));
    Instant start = period.parse(at);
    Reply elsewhere =
        atOwner(team, BY + by.label() + "?period=" + period.label() + "&at=" + at, q, caller);
    if (elsewhere != null) {
      return elsewhere;
    }
    return Reply.json(
        200,
        new BreakdownResponse(
            team,
            by.label(),
            period.label(),
            period.format(start),
            maxBreakdownValues,
            local.breakdown(team, by, period, start),
            Peers.name(peers.self())));
  }

  /**
   * The answer of the instance that owns {@code team}'s partition to {@code /api/teams/{team}} then
   * {@code rest} (a path and query), or 503 while no instance does; null when this instance owns it
   * or the call was forwarded here, so the caller answers.
   */
  private Reply atOwner(String team, String rest, Map<String, String> q, Caller caller)
      throws Exception {
    HostInfo owner = peers.owner(team);
    if (owner == null) {
      return Reply.json(
          503, Map.of("error", "the aggregator group is rebalancing; try again in a moment"));
    }
    if (owner.equals(peers.self()) || q.containsKey("forwarded")) {
      return null;
    }
    String path =
        "/api/teams/"
            + URLEncoder.encode(team, StandardCharsets.UTF_8).replace("+", "%20")
            + rest
            + "&forwarded=1";
    return Reply.of(peers.get(owner, path, caller));
  }

  private static Instant defaultFrom(Period period, Instant to) {
    return switch (period) {
      case HOUR -> Period.DAY.start(to);
      case DAY -> Period.MONTH.start(to);
      case MONTH -> to.atZone(java.time.ZoneOffset.UTC).minusMonths(11).toInstant();
    };
  }

  private Reply providers(Map<String, String> q, boolean localOnly, Caller caller)
      throws Exception {
    if (!caller.access().allTeams()) {
      return PROVIDERS_NEED_FULL_ACCESS;
    }
    Period period = Period.of(q.getOrDefault("period", "day"));
    String at = q.getOrDefault("at", period.format(clock.instant()));
    period.parse(at);
    List<UsageTotals> partials = local.providerPartials(period, at);
    if (localOnly) {
      return providerPartials.reply(partials);
    }
    List<String> unreachable = new ArrayList<>();
    List<UsageTotals> merged =
        providerPartials.mergedWithPeers(
            partials,
            "/api/providers?" + LOCAL + "&period=" + period.label() + "&at=" + at,
            caller,
            unreachable);
    return Reply.json(
        200,
        new ProvidersResponse(
            period.label(), at, merged.stream().map(ProviderView::of).toList(), unreachable));
  }

  /** {@code /api/charts/spend}: each team's spend per day this month, projection and budget. */
  private Reply spendChart(Map<String, String> q, boolean localOnly, Caller caller)
      throws IOException {
    int limit = boundedInt(q, "teams", 8, 1, 50);
    List<TeamSpend> teams = new ArrayList<>(charts.teamSpend());
    List<String> unreachable = new ArrayList<>();
    if (!localOnly) {
      for (String body : peers.askOthers("/api/charts/spend?" + LOCAL, caller, unreachable)) {
        teams.addAll(QueryServer.JSON.readValue(body, SpendChartResponse.class).teams());
      }
    }
    teams.removeIf(t -> !caller.access().mayRead(t.team()));
    Instant now = clock.instant();
    return Reply.json(
        200,
        new SpendChartResponse(
            Period.MONTH.format(now),
            charts.daysInMonth(),
            now.toString(),
            charts.daysSoFar(),
            teams.size(),
            localOnly ? teams : Charts.top(teams, limit),
            unreachable));
  }

  /** {@code /api/charts/providers}: each provider model's p95 latency and error rate per hour. */
  private Reply providersChart(Map<String, String> q, boolean localOnly, Caller caller)
      throws IOException {
    if (!caller.access().allTeams()) {
      return PROVIDERS_NEED_FULL_ACCESS;
    }
    int hours = boundedInt(q, "hours", 24, 1, 72);
    int limit = boundedInt(q, "models", 8, 1, 50);
    List<String> labels = charts.lastHours(hours);
    List<UsageTotals> partials = charts.providerPartials(labels);
    if (localOnly) {
      return providerPartials.reply(partials);
    }
    List<String> unreachable = new ArrayList<>();
    List<UsageTotals> merged =
        providerPartials.mergedWithPeers(
            partials, "/api/charts/providers?" + LOCAL + "&hours=" + hours, caller, unreachable);
    return Reply.json(
        200,
        new ProviderChartResponse(
            labels,
            Charts.models(merged, labels),
            Charts.providerSeries(merged, labels, limit),
            unreachable));
  }

  /** The whole number {@code name} of the query, {@code fallback} when absent. */
  private static int boundedInt(
      Map<String, String> q, String name, int fallback, int min, int max) {
    String raw = q.get(name);
    if (raw == null) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(raw);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new IllegalArgumentException(
        name + " must be a whole number from " + min + " to " + max + ", not '" + raw + "'");
  }

  private Reply alerts(Map<String, String> q, boolean localOnly, Caller caller) throws Exception {
    int limit = Integer.parseInt(q.getOrDefault("limit", "50"));
    List<AlertView> alerts = new ArrayList<>(local.alerts().stream().map(AlertView::of).toList());
    List<String> unreachable = new ArrayList<>();
    if (!localOnly) {
      for (String body :
          peers.askOthers("/api/alerts?" + LOCAL + "&limit=" + limit, caller, unreachable)) {
        alerts.addAll(QueryServer.JSON.readValue(body, AlertsResponse.class).alerts());
      }
    }
    alerts.removeIf(a -> !caller.access().mayRead(a.team()));
    alerts.sort(Comparator.comparing(AlertView::raisedAt).reversed().thenComparing(AlertView::id));
    return Reply.json(
        200, new AlertsResponse(alerts.subList(0, Math.min(limit, alerts.size())), unreachable));
  }

  /**
   * The guard verdict counts of one day or month ({@code period}, {@code at}; default today), added
   * up over every instance's partitions; a team token sees its own team's rows only.
   */
  private Reply guard(Map<String, String> q, boolean localOnly, Caller caller) throws Exception {
    Period period = Period.of(q.getOrDefault("period", "day"));
    if (!GuardCount.PERIODS.contains(period)) {
      throw new IllegalArgumentException(
          "guard verdicts are counted by day and by month, not by " + period.label());
    }
    String at = q.getOrDefault("at", period.format(clock.instant()));
    period.parse(at);
    List<GuardCount> rows = new ArrayList<>(local.guardPartials(period, at));
    List<String> unreachable = new ArrayList<>();
    if (!localOnly) {
      for (String body :
          peers.askOthers(
              "/api/guard?" + LOCAL + "&period=" + period.label() + "&at=" + at,
              caller,
              unreachable)) {
        rows.addAll(QueryServer.JSON.readValue(body, GuardResponse.class).rows());
      }
    }
    rows.removeIf(r -> !caller.access().mayRead(r.team()));
    List<GuardCount> merged = new ArrayList<>(GuardCount.merged(rows).values());
    if (!localOnly) {
      merged.sort(Comparator.comparingLong(GuardCount::requests).reversed());
    }
    return Reply.json(200, new GuardResponse(period.label(), at, merged, unreachable));
  }
}
