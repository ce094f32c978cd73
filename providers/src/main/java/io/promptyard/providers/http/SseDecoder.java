package io.promptyard.providers.http;

/**
 * Splits a server-sent-event stream, line by line, into event data
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation).
 * Only {@code data:} fields are kept (event types are repeated in the data by every provider we
 * call); other fields and comments are skipped.
 */
public final class SseDecoder {

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
