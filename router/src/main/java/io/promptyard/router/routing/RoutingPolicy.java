package io.promptyard.router.routing;

import io.promptyard.catalog.Capability;
import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.ModelSpec;
import io.promptyard.catalog.ParamRules;
import io.promptyard.catalog.Usage;
import io.promptyard.router.validation.ImageUrlCheck;
import io.promptyard.router.validation.RequestValidator;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.ModelRef;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.RoutingHints;
import io.promptyard.schemas.RoutingStrategy;
import io.promptyard.schemas.ingress.RequestLimits;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides, for one request, which provider and model get it: validate; resolve the model name or
 * alias (the {@link AutoRouting auto} alias to {@code smart} or {@code cheap} by the request's
 * complexity, and to {@code smart} when no cheap model fits); apply the team's budget (refuse over
 * the hard limit, downgrade to the cheapest fitting model over the soft limit); keep the models
 * whose capabilities, context window, output limit and cost fit, and whose parameter rules the
 * request keeps (when none does and the request allows dropping parameters, those that fit without
 * the parameters they refuse, which are then dropped); order them by the selection strategy,
 * preferred providers first, providers with a low quota or an open circuit last. The first is
 * chosen, the rest form the fallback chain, and the reason says why in one line.
 */
public final class RoutingPolicy {

  /** Output tokens assumed for cost estimates when the request sets no max_tokens. */
  static final int DEFAULT_OUTPUT_ESTIMATE = 256;

  private static final RoutingHints NO_HINTS = RoutingHints.newBuilder().build();

  private final ModelCatalog catalog;
  private final RequestValidator validator;
  private final ImageUrlCheck imageUrls;
  private final RoutingDefaults defaults;
  private final Clock clock;

  public RoutingPolicy(ModelCatalog catalog, RequestValidator validator, Clock clock) {
    this(catalog, validator, RoutingDefaults.standard(), clock);
  }

  public RoutingPolicy(
      ModelCatalog catalog, RequestValidator validator, RoutingDefaults defaults, Clock clock) {
    this.catalog = catalog;
    this.validator = validator;
    this.imageUrls = new ImageUrlCheck(catalog);
    this.defaults = defaults;
    this.clock = clock;
  }

  /** The models this policy routes to. */
  public ModelCatalog catalog() {
    return catalog;
  }

  /** The most one request may carry, as its validator checks them. */
  public RequestLimits limits() {
    return validator.limits();
  }

  /**
   * Whether {@code request} may drop what it asks for and cannot have: it sets {@code drop_params}
   * or its team drops parameters by default.
   */
  public boolean dropsParams(CompletionRequest request) {
    RoutingHints hints = request.getRouting();
    return defaults.dropsParams(request.getTeam(), hints != null && hints.getDropParams());
  }

  /** Decides with no health reports and no budgets, at the clock's time. */
  public RoutingOutcome decide(CompletionRequest request) {
    return decide(request, RoutingSignals.NONE, clock.instant());
  }

  /**
   * Decides for a request made at {@code at} (the time budgets and the freshness of health reports
   * are judged against).
   */
  public RoutingOutcome decide(CompletionRequest request, RoutingSignals signals, Instant at) {
    List<ImageUrlCheck.ImageUrl> images = ImageUrlCheck.of(request);
    Optional<String> problem = validator.problem(request).or(() -> imageUrls.problem(images));
    if (problem.isPresent()) {
      return new RoutingOutcome.Rejected(ErrorCode.INVALID_REQUEST, problem.get());
    }
    RoutingHints hints = request.getRouting() == null ? NO_HINTS : request.getRouting();
    String asked = hints.getPinnedModel() != null ? hints.getPinnedModel() : request.getModel();
    if (!AutoRouting.ALIAS.equals(asked) || !catalog.resolve(asked).isEmpty()) {
      return decide(request, hints, images, asked, "", signals, at);
    }
    AutoRouting.Choice auto = defaults.auto().choose(request);
    RoutingOutcome outcome =
        decide(request, hints, images, auto.alias(), auto.note() + "; ", signals, at);
    if (outcome instanceof RoutingOutcome.Rejected r
        && r.code() == ErrorCode.NO_CAPABLE_MODEL
        && auto.alias().equals(AutoRouting.CHEAP)) {
      // A request no cheap model can take (an image, a long context) is not refused for being easy.
      return decide(
          request,
          hints,
          images,
          AutoRouting.SMART,
          auto.note() + ", but no cheap model fits, so smart; ",
          signals,
          at);
    }
    return outcome;
  }

  /**
   * Decides for the model name or alias {@code asked}; {@code note} starts the reason (the {@code
   * auto} alias's choice, or nothing).
   */
  private RoutingOutcome decide(
      CompletionRequest request,
      RoutingHints hints,
      List<ImageUrlCheck.ImageUrl> images,
      String asked,
      String note,
      RoutingSignals signals,
      Instant at) {
    RoutingStrategy strategy = strategyFor(request, hints);
    List<ModelSpec> named = catalog.resolve(asked);
    if (named.isEmpty()) {
      return new RoutingOutcome.Rejected(
          ErrorCode.UNKNOWN_MODEL,
          note
              + "model '"
              + asked
              + "' is not in the catalog of enabled providers (known: "
              + knownNames()
              + ")");
    }
    if (strategy == RoutingStrategy.PINNED && named.size() != 1) {
      return new RoutingOutcome.Rejected(
          ErrorCode.INVALID_REQUEST,
          note
              + "pinned routing needs one provider/model, and '"
              + asked
              + "' means "
              + named.size()
              + ": "
              + named.stream().map(ModelSpec::qualifiedName).toList());
    }
    Set<Capability> needed;
    try {
      needed = Capability.requiredBy(request);
    } catch (IllegalArgumentException e) {
      return new RoutingOutcome.Rejected(
          ErrorCode.INVALID_REQUEST, "routing.requiredCapabilities: " + e.getMessage());
    }

    BudgetGate.Standing budget = BudgetGate.standing(signals.budget(request.getTeam()), at);
    if (budget instanceof BudgetGate.Standing.OverHard hard) {
      return new RoutingOutcome.Rejected(
          ErrorCode.OVER_BUDGET,
          "team "
              + request.getTeam()
              + " has spent "
              + BudgetGate.dollars(hard.spentMicros())
              + " of its monthly limit of "
              + BudgetGate.dollars(hard.limitMicros())
              + " in "
              + hard.month()
              + " (UTC); requests are refused until the limit is raised or the month ends");
    }
    boolean downgrade =
        budget instanceof BudgetGate.Standing.OverSoft
            && hints.getAllowDowngrade()
            && strategy != RoutingStrategy.PINNED;
    RoutingStrategy applied = downgrade ? RoutingStrategy.CHEAPEST : strategy;

    List<ModelSpec> considered = downgrade ? catalog.models() : named;
    TokenEstimator.Input input = TokenEstimator.of(request).expect(considered);
    Integer maxTokens =
        request.getParameters() == null ? null : request.getParameters().getMaxTokens();
    int output = maxTokens == null ? DEFAULT_OUTPUT_ESTIMATE : maxTokens;
    HealthView health = new HealthView(signals, at, defaults.healthMaxAge());
    List<Candidate> fitting = new ArrayList<>();
    // Models that fit once the parameters their rules forbid are dropped: chosen only when the
    // request allows dropping and no model takes it as it is.
    List<Candidate> adaptable = new ArrayList<>();
    List<String> whyNot = new ArrayList<>();
    boolean onlyParams = true;
    boolean dropParams = defaults.dropsParams(request.getTeam(), hints.getDropParams());
    for (ModelSpec m : considered) {
      int in = input.tokensFor(m);
      long cost = m.prices().costMicros(new Usage(in, output, 0, 0));
      String misfit = misfit(m, hints, needed, maxTokens, (long) in + output, cost);
      if (misfit == null) {
        misfit = imageUrls.misfit(m.provider(), images);
      }
      List<ParamRules.Violation> broken =
          misfit == null ? m.paramViolations(request.getParameters()) : List.of();
      if (misfit != null) {
        whyNot.add(m.qualifiedName() + ": " + misfit);
        onlyParams = false;
      } else if (!broken.isEmpty() && !dropParams) {
        whyNot.add(String.join(", ", broken.stream().map(ParamRules.Violation::message).toList()));
      } else {
        HealthView.Report report = health.report(m, (long) in + output);
        (broken.isEmpty() ? fitting : adaptable)
            .add(
                new Candidate(
                    m,
                    in,
                    output,
                    cost,
                    report.standing(),
                    report.p50Millis(),
                    report.p99Millis()));
      }
    }
    boolean adapting = fitting.isEmpty() && !adaptable.isEmpty();
    if (adapting) {
      fitting = adaptable;
    }
    if (fitting.isEmpty()) {
      // A request every model refuses only for its parameters is an invalid request for them.
      return new RoutingOutcome.Rejected(
          onlyParams ? ErrorCode.INVALID_REQUEST : ErrorCode.NO_CAPABLE_MODEL,
          note
              + "no model for '"
              + asked
              + "' fits the request: "
              + String.join("; ", whyNot)
              + (onlyParams ? "; metadata.drop_params: true drops what a model cannot take" : ""));
    }
    Set<String> preferred = downgrade ? Set.of() : Set.copyOf(hints.getPreferredProviders());
    List<Candidate> ordered =
        Strategies.order(applied, fitting, preferred, request.getId(), defaults.providerWeights());
    Candidate chosen = ordered.getFirst();
    List<ModelRef> chain =
        applied == RoutingStrategy.PINNED
            ? List.of()
            : ordered.subList(1, ordered.size()).stream().map(Candidate::ref).toList();
    String reason =
        note
            + Reasons.of(
                applied,
                asked,
                chosen,
                ordered,
                preferred,
                defaults.providerWeights(),
                downgrade ? (BudgetGate.Standing.OverSoft) budget : null,
                request.getTeam());
    CompletionRequest sent = request;
    if (dropParams && !hints.getDropParams()) {
      // The team's default: the workers read it from the request, for the fallback models.
      sent =
          CompletionRequest.newBuilder(request)
              .setRouting(RoutingHints.newBuilder(hints).setDropParams(true).build())
              .build();
    }
    if (adapting) {
      ParamRules.Adapted adapted =
          chosen
              .model()
              .paramRules()
              .adapt(request.getParameters(), chosen.model().qualifiedName());
      sent = CompletionRequest.newBuilder(sent).setParameters(adapted.parameters()).build();
      reason += "; " + adapted.note();
    }
    RoutingDecision decision =
        RoutingDecision.newBuilder()
            .setProvider(chosen.model().provider())
            .setModel(chosen.model().id())
            .setFallbackChain(chain)
            .setEstimatedInputTokens(chosen.inputTokens())
            .setEstimatedOutputTokens(output)
            .setEstimatedCostMicros(chosen.costMicros())
            .setReason(reason)
            .setRoutedAt(clock.instant())
            .setStrategy(applied)
            .setPriority(hints.getPriority())
            .setDowngraded(downgrade)
            .build();
    return new RoutingOutcome.Routed(new RoutedRequest(sent, decision, List.of()));
  }

  private RoutingStrategy strategyFor(CompletionRequest request, RoutingHints hints) {
    if (hints.getPinnedModel() != null) {
      return RoutingStrategy.PINNED;
    }
    if (hints.getStrategy() != null && hints.getStrategy() != RoutingStrategy.UNKNOWN_STRATEGY) {
      return hints.getStrategy();
    }
    return defaults.strategyOf(request.getTeam());
  }

  /** Why the model cannot take the request, or null when it can. */
  private static String misfit(
      ModelSpec m,
      RoutingHints hints,
      Set<Capability> needed,
      Integer maxTokens,
      long tokens,
      long cost) {
    if (hints.getExcludedProviders().contains(m.provider())) {
      return "provider excluded";
    }
    if (!m.capabilities().containsAll(needed)) {
      Set<Capability> missing = EnumSet.copyOf(needed);
      missing.removeAll(m.capabilities());
      return "lacks " + missing;
    }
    if (maxTokens != null && maxTokens > m.maxOutputTokens()) {
      return "max output " + m.maxOutputTokens() + " < max_tokens " + maxTokens;
    }
    if (tokens > m.contextWindow()) {
      return "context window " + m.contextWindow() + " < ~" + tokens;
    }
    if (hints.getMaxCostMicros() != null && cost > hints.getMaxCostMicros()) {
      return "est. "
          + cost
          + " micro-dollars, above the request's max cost of "
          + hints.getMaxCostMicros();
    }
    return null;
  }

  private String knownNames() {
    Set<String> names = new TreeSet<>();
    for (ModelSpec m : catalog.models()) {
      names.add(m.qualifiedName());
      names.addAll(m.aliases());
    }
    return String.join(", ", names);
  }
}
