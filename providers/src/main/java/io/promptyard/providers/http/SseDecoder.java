package io.promptyard.providers.http;

/**
 * Splits a server-sent-event stream, line by line, into event data
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation).
 * Only {@code data:} fields are kept (event types are repeated in the data by every provider we
 * call); other fields and comments are skipped.
 */
public final class SseDecoder {

  /**
   * Where the lines of a stream come from.
   *
   * @param <X> what reading a line may throw
   */
  @FunctionalInterface
  public interface LineSource<X extends Exception> {
    /** The next line, without its line break; null at the end of the stream. */
    String next() throws X;
  }

  /**
   * Where the data of each event goes.
   *
   * @param <X> what handling an event may throw
   */
  @FunctionalInterface
  public interface EventSink<X extends Exception> {
    void event(String data) throws X;
  }

  private final StringBuilder data = new StringBuilder();
  private boolean hasData;

  /**
   * Feeds one line (without its line break); returns the data of the event it completes, or null.
   */
  public String line(String line) {
    if (line.isEmpty()) {
      return dispatch();
    }
    if (line.startsWith(":")) {
      return null;
    }
    int colon = line.indexOf(':');
    String field = colon < 0 ? line : line.substring(0, colon);
    if (field.equals("data")) {
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (hasData) {
        data.append('\n');
      }
      data.append(value.startsWith(" ") ? value.substring(1) : value);
      hasData = true;
    }
    return null;
  }

  /** At the end of the stream: the data of a last event whose blank line never came, or null. */
  public String end() {
    return dispatch();
  }

  /**
   * Decodes every line of {@code lines} and hands each event's data to {@code events}, the last
   * event's too when the stream ends without its blank line.
   */
  public static <X extends Exception> void decode(LineSource<X> lines, EventSink<X> events)
      throws X {
    SseDecoder sse = new SseDecoder();
    for (String line = lines.next(); line != null; line = lines.next()) {
      String data = sse.line(line);
      if (data != null) {
        events.event(data);
      }
    }
    String last = sse.end();
    if (last != null) {
      events.event(last);
    }
  }

  private String dispatch() {
    if (!hasData) {
      return null;
    }
    String event = data.toString();
    data.setLength(0);
    hasData = false;
    return event;
  }
}
