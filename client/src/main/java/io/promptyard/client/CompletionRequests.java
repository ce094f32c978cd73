package io.promptyard.client;

import io.promptyard.schemas.CachePolicy;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.ResponseFormat;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutingHints;
import io.promptyard.schemas.TemplateRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Builds {@link CompletionRequest}s without the Avro builders' ceremony:
 *
 * <pre>{@code
 * CompletionRequest request = CompletionRequests.builder()
 *     .model("cheap")
 *     .system("You are terse.")
 *     .user("Explain Kafka in one sentence.")
 *     .maxTokens(100)
 *     .build();
 * }</pre>
 *
 * The id and team may be left unset: {@link PromptyardClient} fills in a random UUID and its
 * default team when it submits the request.
 */
public final class CompletionRequests {

  private CompletionRequests() {}

  /** A new, empty request builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Collects a request's fields; {@link #build()} checks that a model and messages or a template
   * are given.
   */
  public static final class Builder {
    private String id = "";
    private String team = "";
    private String user;
    private String model;
    private final List<Message> messages = new ArrayList<>();
    private final Map<String, String> tags = new LinkedHashMap<>();
    private final Parameters.Builder parameters = Parameters.newBuilder();
    private boolean hasParameters;
    private RoutingHints routing;
    private CachePolicy cache;
    private Instant deadline;
    private String replyTopic;
    private boolean stream;
    private TemplateRef template;

    private Builder() {}

    /** The idempotency key; a random UUID when unset. */
    public Builder id(String id) {
      this.id = Objects.requireNonNull(id, "id");
      return this;
    }

    /** The team that pays; the client's default team when unset. */
    public Builder team(String team) {
      this.team = Objects.requireNonNull(team, "team");
      return this;
    }

    /** The end user the request is made for (for usage reports), not a message. */
    public Builder endUser(String user) {
      this.user = user;
      return this;
    }

    /**
     * A {@code provider/model}, a model name, or an alias such as {@code cheap}, {@code fast},
     * {@code smart}.
     */
    public Builder model(String model) {
      this.model = model;
      return this;
    }

    public Builder system(String text) {
      return message(Role.SYSTEM, text);
    }

    public Builder user(String text) {
      return message(Role.USER, text);
    }

    public Builder assistant(String text) {
      return message(Role.ASSISTANT, text);
    }

    public Builder message(Role role, String text) {
      return message(Message.newBuilder().setRole(role).setText(text).build());
    }

    public Builder message(Message message) {
      messages.add(Objects.requireNonNull(message, "message"));
      return this;
    }

    public Builder tag(String key, String value) {
      tags.put(key, value);
      return this;
    }

    public Builder temperature(double temperature) {
      return parameter(p -> p.setTemperature(temperature));
    }

    public Builder topP(double topP) {
      return parameter(p -> p.setTopP(topP));
    }

    public Builder maxTokens(int maxTokens) {
      return parameter(p -> p.setMaxTokens(maxTokens));
    }

    public Builder stop(List<String> stop) {
      return parameter(p -> p.setStop(List.copyOf(stop)));
    }

    public Builder seed(long seed) {
      return parameter(p -> p.setSeed(seed));
    }

    /**
     * The answer's shape; {@link PromptyardClient#submit(CompletionRequest, Class)} sets a JSON
     * Schema itself.
     */
    public Builder responseFormat(ResponseFormat format) {
      return parameter(p -> p.setResponseFormat(format));
    }

    private Builder parameter(Consumer<Parameters.Builder> set) {
      set.accept(parameters);
      hasParameters = true;
      return this;
    }

    public Builder routing(RoutingHints routing) {
      this.routing = routing;
      return this;
    }

    public Builder cache(CachePolicy cache) {
      this.cache = cache;
      return this;
    }

    /** After this instant the request gets an EXPIRED result instead of a provider call. */
    public Builder deadline(Instant deadline) {
      this.deadline = deadline;
      return this;
    }

    /** A deadline this long from now. */
    public Builder deadlineIn(Duration fromNow) {
      return deadline(Instant.now().plus(fromNow));
    }

    /**
     * A topic the worker also copies the terminal result to. It must start with the deployment's
     * reply prefix ({@code promptyard.replies.} by default) and not be a Promptyard topic, or the
     * router rejects the request.
     */
    public Builder replyTopic(String topic) {
      this.replyTopic = topic;
      return this;
    }

    /**
     * Asks for streamed deltas on the chunks topic ({@link PromptyardClient#stream} sets it
     * itself).
     */
    public Builder stream(boolean stream) {
      this.stream = stream;
      return this;
    }

    /**
     * Refers to a stored template instead of (or before) carrying messages: the router renders it
     * from the templates topic, or the client does from its own {@code TemplateLibrary} when it has
     * one.
     *
     * @param version null for the latest version
     */
    public Builder template(String name, String version, Map<String, String> variables) {
      this.template = new TemplateRef(name, version, Map.copyOf(variables));
      return this;
    }

    /**
     * The request.
     *
     * @throws IllegalStateException when no model, or neither messages nor a template, are given
     */
    public CompletionRequest build() {
      if (model == null || model.isBlank()) {
        throw new IllegalStateException(
            "a request needs a model (a provider/model, a model name, or an alias such as cheap)");
      }
      if (messages.isEmpty() && template == null) {
        throw new IllegalStateException("a request needs at least one message or a template");
      }
      return CompletionRequest.newBuilder()
          .setId(id)
          .setTeam(team)
          .setUser(user)
          .setModel(model)
          .setMessages(List.copyOf(messages))
          .setTags(Map.copyOf(tags))
          .setParameters(hasParameters ? parameters.build() : null)
          .setRouting(routing)
          .setCache(cache)
          .setDeadline(deadline)
          .setReplyTopic(replyTopic)
          .setStream(stream)
          .setTemplate(template)
          .build();
    }
  }
}
