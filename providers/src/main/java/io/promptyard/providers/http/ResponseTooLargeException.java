package io.promptyard.providers.http;

import java.io.IOException;

/** An answer body went past the most an adapter reads from its provider; the rest was not read. */
public final class ResponseTooLargeException extends IOException {
  private final long limitBytes;

  public ResponseTooLargeException(long limitBytes) {
    super("the answer is larger than " + limitBytes + " bytes, the most read from a provider");
    this.limitBytes = limitBytes;
  }

  public long limitBytes() {
    return limitBytes;
  }
}
