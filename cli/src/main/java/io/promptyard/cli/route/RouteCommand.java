package io.promptyard.cli.route;

import io.promptyard.cli.PrintingCommand;
import io.promptyard.cli.guard.TeamGuard;
import io.promptyard.router.RouterConfig;
import io.promptyard.router.SignalSnapshot;
import io.promptyard.router.guard.GuardSetting;
import io.promptyard.router.guard.GuardStage;
import io.promptyard.router.routing.RoutingOutcome;
import io.promptyard.router.routing.RoutingPolicy;
import io.promptyard.router.routing.RoutingSignals;
import io.promptyard.router.validation.RequestValidator;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.DetectorVerdict;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.config.KafkaClientProperties;
import io.promptyard.schemas.config.Settings;
import io.promptyard.schemas.ingress.InvalidRequestException;
import io.promptyard.schemas.ingress.JsonIngress;
import io.promptyard.schemas.ingress.OpenAiParameters;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code promptyard route --explain FILE.json}: the router's decision for one JSON ingress request,
 * printed and not published.
 */
@Command(
    name = "route",
    mixinStandardHelpOptions = true,
    description = {
      "Show how the router would route a request, without publishing it.",
      "FILE.json is a JSON ingress body: an OpenAI chat-completions request plus a metadata object.",
      "Configuration (catalog, providers, strategies, weights, the default guard policy) comes from the same",
      "PROMPTYARD_* variables as the router. The guard stage runs first: the policy the request's team gets",
      "(its record on the guard-policies topic with --live, else the default) and the guard's verdicts are",
      "printed, and a request the guard blocks is explained as rejected."
    },
    footer = {
      "",
      "Exit status: 0 when the request would be routed, 1 when it would be rejected.",
      "",
      "Examples:",
      "  promptyard route --explain examples/route-explain.json",
      "  promptyard route --explain request.json --live --bootstrap-server kafka-1:9092"
    })
public final class RouteCommand extends PrintingCommand {

  @Option(
      names = "--explain",
      required = true,
      paramLabel = "FILE.json",
      description = "the request to explain")
  Path file;

  @Option(
      names = "--live",
      description =
          "decide with the provider-health, budget-status and guard-policies topics as they are now "
              + "(read from the broker); without it, every provider counts as healthy, no team has a budget "
              + "and every team gets the default guard policy")
  boolean live;

  @Option(
      names = {"--bootstrap-server", "--bootstrap-servers"},
      paramLabel = "HOST:PORT",
      description = "Kafka for --live (env PROMPTYARD_BOOTSTRAP_SERVERS; default localhost:9092)")
  String bootstrapServers;

  @Option(
      names = "--command-config",
      paramLabel = "FILE",
      description =
          "Kafka client properties for --live, e.g. security settings (else env PROMPTYARD_KAFKA_CONFIG; "
              + "PROMPTYARD_KAFKA_* variables override it)")
  Path commandConfig;

  @Option(
      names = "--at",
      paramLabel = "INSTANT",
      description =
          "the request's time, e.g. 2026-11-23T10:00:00Z "
              + "(decides the budget month and which health reports are fresh); default now")
  Instant at;

  @Override
  protected int run(PrintWriter out) throws Exception {
    Map<String, String> env = new HashMap<>(environment());
    if (bootstrapServers != null) {
      env.put("PROMPTYARD_BOOTSTRAP_SERVERS", bootstrapServers);
    }
    if (commandConfig != null) {
      env.put(KafkaClientProperties.CONFIG.name(), commandConfig.toString());
    }
    RouterConfig config = RouterConfig.from(new Settings(env));
    Clock clock = clock();
    RoutingPolicy policy =
        new RoutingPolicy(
            config.catalog(), new RequestValidator(config.limits()), config.routing(), clock);
    CompletionRequest request;
    List<String> uncarried;
    try {
      JsonIngress.Body body =
          JsonIngress.limitedTo(config.limits())
              .readBody(Files.readAllBytes(file), file.getFileName().toString());
      request = body.request();
      uncarried = body.uncarried();
    } catch (InvalidRequestException e) {
      out.println("rejected: INVALID_REQUEST: " + e.getMessage());
      return 1;
    }
    if (!uncarried.isEmpty() && !policy.dropsParams(request)) {
      out.println("rejected: INVALID_REQUEST: " + OpenAiParameters.refusal(uncarried));
      return 1;
    }
    RoutingSignals signals = RoutingSignals.NONE;
    Map<String, byte[]> teamPolicies = Map.of();
    if (live) {
      try (Consumer<String, byte[]> consumer =
          kafkaClients().consumer(liveConsumerConfig(config))) {
        Duration timeout = Duration.ofSeconds(15);
        signals = SignalSnapshot.read(consumer, config.common().topics(), timeout);
        if (config.guard().policy().isPresent()) {
          teamPolicies =
              SignalSnapshot.readToEnd(consumer, config.common().topics().guardPolicies(), timeout);
        }
      }
    }
    out.println(
        "request:    "
            + request.getId()
            + " (team "
            + request.getTeam()
            + ", model '"
            + request.getModel()
            + "')");
    out.println(
        "signals:    "
            + (live
                ? "provider health, budgets and team guard policies from "
                    + config.common().bootstrapServers()
                : "none (every provider healthy, no budgets, no team guard policies; --live reads them)"));
    RoutingOutcome outcome;
    if (config.guard().policy().isEmpty()) {
      out.println("guard:      off (" + GuardSetting.KEY.name() + "=off)");
      outcome = policy.decide(request, signals, at == null ? clock.instant() : at);
    } else {
      TeamGuard applied =
          live
              ? TeamGuard.of(config.guard(), request.getTeam(), teamPolicies.get(request.getTeam()))
              : new TeamGuard(
                  config.guard().policy().get(),
                  "the default policy ("
                      + config.guard().name()
                      + "); team policies not read, --live reads them");
      out.println("guard:      " + applied.source());
      GuardStage.Screening screening =
          GuardStage.of(new GuardSetting("team", Optional.of(applied.policy()))).screen(request);
      out.println("verdicts:   " + verdicts(screening.verdicts()));
      out.println(
          "answers:    output moderation "
              + applied.policy().outputModeration().policyName()
              + " (the worker's check of the answer)");
      outcome =
          switch (screening) {
            case GuardStage.Blocked blocked ->
                new RoutingOutcome.Rejected(ErrorCode.CONTENT_POLICY, blocked.reason());
            case GuardStage.Passed passed ->
                policy.decide(passed.request(), signals, at == null ? clock.instant() : at);
          };
    }
    return switch (outcome) {
      case RoutingOutcome.Routed routed -> {
        RoutingDecision d = routed.request().getDecision();
        out.println(
            "routed to:  "
                + d.getProvider()
                + "/"
                + d.getModel()
                + " on "
                + config.common().topics().route(d));
        out.println(
            "strategy:   "
                + d.getStrategy().name().toLowerCase(java.util.Locale.ROOT)
                + (d.getDowngraded() ? " (downgraded: over the team's soft limit)" : ""));
        out.println(
            "estimate:   "
                + d.getEstimatedInputTokens()
                + " input + "
                + d.getEstimatedOutputTokens()
                + " output tokens, "
                + d.getEstimatedCostMicros()
                + " micro-dollars");
        out.println(
            "fallback:   "
                + (d.getFallbackChain().isEmpty()
                    ? "(none)"
                    : d.getFallbackChain().stream()
                        .map(r -> r.getProvider() + "/" + r.getModel())
                        .collect(Collectors.joining(", "))));
        out.println(
            "reason:     "
                + d.getReason()
                + (uncarried.isEmpty() ? "" : "; " + OpenAiParameters.dropNote(uncarried)));
        yield 0;
      }
      case RoutingOutcome.Rejected rejected -> {
        out.println("rejected:   " + rejected.code() + ": " + rejected.reason());
        yield 1;
      }
    };
  }

  /** What the guard found per detector, never a value; "nothing found" when it found nothing. */
  private static String verdicts(List<DetectorVerdict> verdicts) {
    if (verdicts.isEmpty()) {
      return "nothing found";
    }
    return verdicts.stream()
        .map(
            v ->
                String.format(
                    java.util.Locale.ROOT,
                    "%s %s (count %d, score %.2f)",
                    v.getDetector(),
                    v.getAction(),
                    v.getCount(),
                    v.getScore()))
        .collect(Collectors.joining(", "));
  }

  /** The one-off reader of --live: no group, committed records only, no topic created. */
  private static Map<String, Object> liveConsumerConfig(RouterConfig config) {
    return config
        .common()
        .clientConfig(
            Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG,
                false));
  }
}
