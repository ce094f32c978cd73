package io.promptyard.templates;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.error.PebbleException;
import io.pebbletemplates.pebble.error.RootAttributeNotFoundException;
import io.pebbletemplates.pebble.extension.AbstractExtension;
import io.pebbletemplates.pebble.extension.Filter;
import io.pebbletemplates.pebble.loader.StringLoader;
import io.pebbletemplates.pebble.template.EvaluationContext;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.PromptTemplate;
import io.promptyard.schemas.TemplateMessage;
import io.promptyard.schemas.TemplateRef;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders prompt templates with <a href="https://pebbletemplates.io">Pebble</a>: {@code {{ name }}}
 * variables, {@code {% if %}} conditionals and {@code {% for %}} loops. Variables are strings (as
 * in {@link TemplateRef}); the {@code json} filter parses one into lists, maps, numbers or booleans
 * ({@code {% for d in docs | json %}}). A variable the template uses but the request does not set
 * is an error, never an empty string. No HTML escaping and no newline trimming: the text between
 * tags is kept as written ({@code {%- -%}} trims whitespace where wanted). A message that renders
 * to blank text is left out, so a whole message can be conditional. Rendering is bounded by {@link
 * Limits}: the variables of a request cannot make a template write an unbounded prompt or loop for
 * ever ({@code range} makes at most 100,000 numbers). Thread-safe.
 */
public final class TemplateRenderer {

  /**
   * The most characters one rendered message may have by default, so that a loop cannot build an
   * unbounded prompt.
   */
  public static final int MAX_RENDERED_CHARS = 2_000_000;

  /**
   * How much one rendering may cost.
   *
   * @param maxRenderedChars the most characters one rendered message may have
   * @param timeout the longest one template's messages may take to render, together
   */
  public record Limits(int maxRenderedChars, Duration timeout) {
    /** 2,000,000 characters a message, 500 ms a template. */
    public static final Limits DEFAULTS = new Limits(MAX_RENDERED_CHARS, Duration.ofMillis(500));

    public Limits {
      if (maxRenderedChars < 1) {
        throw new IllegalArgumentException(
            "maxRenderedChars must be at least 1, not " + maxRenderedChars);
      }
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("the render timeout must be positive, not " + timeout);
      }
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Limits limits;
  private final PebbleEngine engine;

  /** A renderer with the {@link Limits#DEFAULTS default limits}. */
  public TemplateRenderer() {
    this(Limits.DEFAULTS);
  }

  public TemplateRenderer(Limits limits) {
    this.limits = limits;
    this.engine =
        new PebbleEngine.Builder()
            .loader(new StringLoader())
            .strictVariables(true)
            .autoEscaping(false)
            // Pebble drops the newline after every "}}" and "%}" by default; in a prompt the text
            // is what was written.
            .newLineTrimming(false)
            .maxRenderedSize(limits.maxRenderedChars())
            .registerExtensionCustomizer(BoundedCoreExtension::new)
            .extension(new JsonExtension())
            .build();
  }

  /**
   * Renders every message of a template.
   *
   * @throws TemplateException naming the template, the message, the line and the missing variable
   *     or syntax error, or the limit the rendering went beyond
   */
  public List<Message> render(PromptTemplate template, Map<String, String> variables)
      throws TemplateException {
    return RenderBudget.within(limits.timeout(), () -> renderAll(template, variables));
  }

  private List<Message> renderAll(PromptTemplate template, Map<String, String> variables)
      throws TemplateException {
    Map<String, Object> context = new HashMap<>(variables);
    List<Message> rendered = new ArrayList<>();
    for (int i = 0; i < template.getMessages().size(); i++) {
      TemplateMessage m = template.getMessages().get(i);
      String where =
          "template "
              + template.getName()
              + "@"
              + template.getVersion()
              + ", message "
              + (i + 1)
              + " ("
              + m.getRole().name().toLowerCase(java.util.Locale.ROOT)
              + ")";
      String text = render(compile(m.getText(), where), context, where);
      if (!text.isBlank()) {
        rendered.add(Message.newBuilder().setRole(m.getRole()).setText(text).build());
      }
    }
    if (rendered.isEmpty()) {
      throw new TemplateException(
          "template "
              + template.getName()
              + "@"
              + template.getVersion()
              + " rendered no message with these variables");
    }
    return rendered;
  }

  /**
   * Checks that every message of a template parses, so a broken template is refused when it is
   * published rather than when a request uses it.
   */
  public void check(PromptTemplate template) throws TemplateException {
    if (template.getMessages().isEmpty()) {
      throw new TemplateException(
          "template " + template.getName() + "@" + template.getVersion() + " has no messages");
    }
    for (int i = 0; i < template.getMessages().size(); i++) {
      compile(
          template.getMessages().get(i).getText(),
          "template " + template.getName() + "@" + template.getVersion() + ", message " + (i + 1));
    }
  }

  /**
   * A request with its template reference replaced by the rendered messages, followed by any
   * messages the request carried itself; the template used is recorded in the tag {@code template}
   * ({@code name@version}). A request without a template reference is returned as it is.
   */
  public CompletionRequest expand(CompletionRequest request, TemplateLibrary library)
      throws TemplateException {
    TemplateRef ref = request.getTemplate();
    if (ref == null) {
      return request;
    }
    PromptTemplate template = library.require(ref.getName(), ref.getVersion());
    List<Message> messages = new ArrayList<>(render(template, ref.getVariables()));
    messages.addAll(request.getMessages());
    Map<String, String> tags = new HashMap<>(request.getTags());
    tags.put("template", template.getName() + "@" + template.getVersion());
    return CompletionRequest.newBuilder(request)
        .setTemplate(null)
        .setMessages(messages)
        .setTags(tags)
        .build();
  }

  private PebbleTemplate compile(String text, String where) throws TemplateException {
    try {
      return engine.getTemplate(text);
    } catch (PebbleException e) {
      throw new TemplateException(
          where + ", line " + e.getLineNumber() + ": does not parse: " + e.getPebbleMessage(), e);
    }
  }

  private String render(PebbleTemplate template, Map<String, Object> context, String where)
      throws TemplateException {
    StringWriter out = new StringWriter();
    try {
      template.evaluate(out, context);
    } catch (RootAttributeNotFoundException e) {
      throw new TemplateException(
          where
              + ", line "
              + e.getLineNumber()
              + ": variable '"
              + e.getAttributeName()
              + "' is not set (variables given: "
              + context.keySet().stream().sorted().toList()
              + ")",
          e);
    } catch (PebbleException e) {
      throw new TemplateException(
          where
              + (e.getLineNumber() == null ? "" : ", line " + e.getLineNumber())
              + ": "
              + explain(e.getPebbleMessage()),
          e);
    } catch (IOException e) {
      throw new TemplateException(where + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      // a Pebble built-in that fails on an odd value without saying so in a PebbleException
      throw new TemplateException(
          where
              + ": does not render with these variables: "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage()),
          e);
    } catch (StackOverflowError e) {
      throw new TemplateException(
          where + ": does not render: its macros or includes nest too deeply", null);
    }
    return out.toString();
  }

  /** Pebble's message, with the limit it names in this renderer's words. */
  private String explain(String pebbleMessage) {
    if (RenderBudget.OUT_OF_TIME.equals(pebbleMessage)) {
      return "rendering took longer than its limit of " + limits.timeout().toMillis() + " ms";
    }
    if (pebbleMessage != null && pebbleMessage.startsWith("Tried to write more than")) {
      return "the rendered message is longer than its limit of "
          + limits.maxRenderedChars()
          + " characters";
    }
    return pebbleMessage;
  }

  /** Adds the {@code json} filter. */
  private static final class JsonExtension extends AbstractExtension {
    @Override
    public Map<String, Filter> getFilters() {
      return Map.of("json", new JsonFilter());
    }
  }

  /** Parses a string variable as JSON: {@code docs | json} turns {@code ["a","b"]} into a list. */
  private static final class JsonFilter implements Filter {
    @Override
    public List<String> getArgumentNames() {
      return List.of();
    }

    @Override
    public Object apply(
        Object input,
        Map<String, Object> args,
        PebbleTemplate self,
        EvaluationContext context,
        int line) {
      if (input == null) {
        return null;
      }
      RenderBudget.check(line);
      try {
        return JSON.readValue(input.toString(), Object.class);
      } catch (JsonProcessingException e) {
        throw new PebbleException(
            e,
            "the json filter got a value that is not JSON: " + e.getOriginalMessage(),
            line,
            null);
      }
    }
  }
}
