package io.promptyard.providers.http;

import io.promptyard.providers.HttpTimeouts;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends one HTTP request under three deadlines: the client's connect timeout, the first-byte
 * timeout (until the response headers arrive) and the call's total deadline (until the body's last
 * byte).
 */
public final class Exchange {

  private final HttpClient client;
  private final HttpTimeouts timeouts;

  public Exchange(HttpClient client, HttpTimeouts timeouts) {
    this.client = client;
    this.timeouts = timeouts;
  }

  /** A response whose status and headers have arrived and whose body may still be arriving. */
  public record Opened(
      HttpResponse.ResponseInfo info, CompletableFuture<HttpResponse<String>> response) {
    public int status() {
      return info.statusCode();
    }

    public boolean successful() {
      return info.statusCode() / 100 == 2;
    }
  }

  /** Sends the request and waits for the response headers. */
  public Opened open(
      HttpRequest request, HttpResponse.BodyHandler<String> bodies, long deadlineNanos)
      throws FailedCall {
    // The body handler is called as soon as the status line and headers are in: that is the "first
    // byte".
    CompletableFuture<HttpResponse.ResponseInfo> headers = new CompletableFuture<>();
    CompletableFuture<HttpResponse<String>> response =
        client.sendAsync(
            request,
            info -> {
              headers.complete(info);
              return bodies.apply(info);
            });
    response.whenComplete(
        (r, e) -> {
          if (e != null) {
            headers.completeExceptionally(e);
          }
        });
    long firstByte = timeouts.firstByte().toNanos();
    long untilDeadline = deadlineNanos - System.nanoTime();
    try {
      return new Opened(
          headers.get(Math.min(firstByte, untilDeadline), TimeUnit.NANOSECONDS), response);
    } catch (TimeoutException e) {
      response.cancel(true);
      throw new FailedCall(
          new Failure.TimedOut(
              firstByte <= untilDeadline
                  ? "no response headers within the first-byte timeout of "
                      + timeouts.firstByte().toMillis()
                      + " ms"
                  : totalOverdue(),
              null));
    } catch (ExecutionException e) {
      throw new FailedCall(transportFailure(e.getCause()));
    } catch (InterruptedException e) {
      response.cancel(true);
      Thread.currentThread().interrupt();
      throw new FailedCall(new Failure.Interrupted());
    }
  }

  /** Waits for the rest of the body, until the call's deadline. */
  public String body(Opened opened, long deadlineNanos) throws FailedCall {
    try {
      return opened.response().get(deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS).body();
    } catch (TimeoutException e) {
      opened.response().cancel(true);
      throw new FailedCall(new Failure.TimedOut(totalOverdue(), null));
    } catch (ExecutionException e) {
      throw new FailedCall(transportFailure(e.getCause()));
    } catch (InterruptedException e) {
      opened.response().cancel(true);
      Thread.currentThread().interrupt();
      throw new FailedCall(new Failure.Interrupted());
    }
  }

  public String totalOverdue() {
    return "the call took longer than the total timeout of " + timeouts.total().toMillis() + " ms";
  }

  /**
   * What an exception from the HTTP client means: a timeout, a body past the limit, or a connection
   * that failed or broke.
   */
  public static Failure transportFailure(Throwable t) {
    Throwable cause = t;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return switch (cause) {
      case ResponseTooLargeException e -> new Failure.TooLarge(e.limitBytes());
      case HttpConnectTimeoutException e ->
          new Failure.TimedOut("no connection within the connect timeout", e);
      case HttpTimeoutException e -> new Failure.TimedOut("the HTTP client timed out", e);
      case IOException e -> new Failure.Transport(e);
      case CancellationException e ->
          new Failure.Transport(new IOException("the request was cancelled", e));
      default ->
          new Failure.Transport(
              new IOException(cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause));
    };
  }
}
