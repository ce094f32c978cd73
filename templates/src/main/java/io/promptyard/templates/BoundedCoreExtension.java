package io.promptyard.templates;

import io.pebbletemplates.pebble.error.PebbleException;
import io.pebbletemplates.pebble.extension.Extension;
import io.pebbletemplates.pebble.extension.ExtensionCustomizer;
import io.pebbletemplates.pebble.extension.Function;
import io.pebbletemplates.pebble.extension.NodeVisitor;
import io.pebbletemplates.pebble.lexer.Token;
import io.pebbletemplates.pebble.node.ForNode;
import io.pebbletemplates.pebble.node.RenderableNode;
import io.pebbletemplates.pebble.node.expression.Expression;
import io.pebbletemplates.pebble.parser.Parser;
import io.pebbletemplates.pebble.template.EvaluationContext;
import io.pebbletemplates.pebble.template.EvaluationContextImpl;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import io.pebbletemplates.pebble.template.PebbleTemplateImpl;
import io.pebbletemplates.pebble.tokenParser.TokenParser;
import java.util.AbstractCollection;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Pebble's core extension with two things bounded, so that the variables of a request cannot make a
 * template run for ever or fill memory: every {@code for} loop checks the {@link RenderBudget}
 * before each iteration, and {@code range} (and {@code a..b}) refuses more than {@value #MAX_RANGE}
 * numbers instead of building the list. Other extensions pass through unchanged.
 */
final class BoundedCoreExtension extends ExtensionCustomizer {

  /** The most numbers one {@code range} may produce. */
  static final long MAX_RANGE = 100_000;

  BoundedCoreExtension(Extension delegate) {
    super(delegate);
  }

  @Override
  public Map<String, Function> getFunctions() {
    Map<String, Function> functions = super.getFunctions();
    if (functions == null || !functions.containsKey("range")) {
      return functions;
    }
    Map<String, Function> bounded = new HashMap<>(functions);
    bounded.put("range", new BoundedRange(functions.get("range")));
    return bounded;
  }

  @Override
  public List<TokenParser> getTokenParsers() {
    List<TokenParser> parsers = super.getTokenParsers();
    return parsers == null
        ? null
        : parsers.stream().map(p -> "for".equals(p.getTag()) ? new CheckedFor(p) : p).toList();
  }

  /** The core {@code range}, after a check of how many numbers it would make. */
  private record BoundedRange(Function core) implements Function {
    @Override
    public List<String> getArgumentNames() {
      return core.getArgumentNames();
    }

    @Override
    public Object execute(
        Map<String, Object> args, PebbleTemplate self, EvaluationContext context, int line) {
      if (args.get("start") instanceof Number start && args.get("end") instanceof Number end) {
        long step = args.get("increment") instanceof Number n ? n.longValue() : 1;
        // in doubles, so that no pair of longs overflows; a step of 0 is the core function's to
        // refuse
        if (step != 0 && (end.doubleValue() - start.doubleValue()) / step + 1 > MAX_RANGE) {
          throw new PebbleException(
              null,
              "range from "
                  + start
                  + " to "
                  + end
                  + " would make more than "
                  + MAX_RANGE
                  + " numbers",
              line,
              self.getName());
        }
      }
      return core.execute(args, self, context, line);
    }
  }

  /**
   * Parses {@code for} as Pebble does, with the loop's iterable wrapped in a {@link
   * CheckedIterable}.
   */
  private record CheckedFor(TokenParser core) implements TokenParser {
    @Override
    public String getTag() {
      return core.getTag();
    }

    @Override
    public RenderableNode parse(Token token, Parser parser) {
      RenderableNode node = core.parse(token, parser);
      if (node instanceof ForNode loop) {
        return new ForNode(
            token.getLineNumber(),
            loop.getIterationVariable(),
            new CheckedIterable(loop.getIterable()),
            loop.getBody(),
            loop.getElseBody());
      }
      return node;
    }
  }

  /** An iterable expression whose value checks the render budget before each element. */
  private record CheckedIterable(Expression<?> iterable) implements Expression<Object> {
    @Override
    public Object evaluate(PebbleTemplateImpl self, EvaluationContextImpl context) {
      Object value = iterable.evaluate(self, context);
      int line = getLineNumber();
      return switch (value) {
        case Collection<?> c -> new Checked<>(c, line);
        case Map<?, ?> m -> new Checked<>(m.entrySet(), line);
        case Object[] a -> new Checked<>(Arrays.asList(a), line);
        case null, default -> value;
      };
    }

    @Override
    public int getLineNumber() {
      return iterable.getLineNumber();
    }

    @Override
    public void accept(NodeVisitor visitor) {
      iterable.accept(visitor);
    }
  }

  /**
   * A collection whose iterator checks the render budget before each element; its size is the
   * underlying one.
   */
  private static final class Checked<T> extends AbstractCollection<T> {
    private final Collection<T> elements;
    private final int line;

    Checked(Collection<T> elements, int line) {
      this.elements = elements;
      this.line = line;
    }

    @Override
    public Iterator<T> iterator() {
      Iterator<T> it = elements.iterator();
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public T next() {
          RenderBudget.check(line);
          return it.next();
        }
      };
    }

    @Override
    public int size() {
      return elements.size();
    }
  }
}
