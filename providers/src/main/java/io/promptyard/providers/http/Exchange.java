package io.promptyard.providers.http;

import io.promptyard.providers.HttpTimeouts;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * The transport of the JSON-over-HTTP adapters, and the one class that knows which HTTP client
 * carries their calls (Jetty's, HTTP/1.1 with a keep-alive pool): sends one {@link ProviderRequest}
 * under three deadlines — the connect timeout, the first-byte timeout (until the response headers
 * arrive) and the call's total deadline (until the body's last byte) — and reads at most a given
 * number of body bytes: past them the call is aborted with {@link ResponseTooLargeException}, so
 * that an endless or enormous answer never sits in memory.
 *
 * <p>Jetty rather than the JDK's client: with 2,000+ calls in flight, the JDK client was 24–43% of
 * the worker's CPU samples (its connection pool's expiry list the top frame), Jetty 13%
 * (docs/BENCHMARKS.md, pipeline-external).
 */
public final class Exchange implements AutoCloseable {

  // The JDK client never limited connections per server: a worker's in-flight calls each hold one.
  private static final int UNLIMITED = 1 << 20;

  private final HttpClient client;
  private final HttpTimeouts timeouts;
  // Calls in flight, plus one held until close(): the client stops when it reaches zero.
  private final AtomicInteger holds = new AtomicInteger(1);
  private volatile boolean closed;

  public Exchange(HttpTimeouts timeouts) {
    this.timeouts = timeouts;
    this.client = new HttpClient();
    // TLS as the JDK client did it: the JVM's default context (its trust store, or one named by
    // javax.net.ssl.trustStore), and the server's host name checked against its certificate.
    SslContextFactory.Client tls = new SslContextFactory.Client();
    tls.setSslContext(defaultTls());
    tls.setEndpointIdentificationAlgorithm("HTTPS");
    client.setSslContextFactory(tls);
    // What the JDK client's same-thread executor did: nothing this class hands the client blocks
    // (Reception only copies bytes and completes futures), so Jetty may call it on its selector
    // thread instead of handing each read to a thread pool.
    client.getHttpClientTransport().setInvocationType(Invocable.InvocationType.NON_BLOCKING);
    client.setName("promptyard-http");
    // Daemon threads, as the JDK client's: an adapter nobody closed must not keep a JVM from
    // exiting.
    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName("promptyard-http");
    threads.setDaemon(true);
    client.setExecutor(threads);
    client.setScheduler(new ScheduledExecutorScheduler("promptyard-http-scheduler", true));
    client.setConnectTimeout(timeouts.connect().toMillis());
    client.setMaxConnectionsPerDestination(UNLIMITED);
    client.setMaxRequestsQueuedPerDestination(UNLIMITED);
    // As the JDK client did: no redirects, no cookies, no compression asked for, and only the
    // headers the adapter set (its own User-Agent).
    client.setFollowRedirects(false);
    client.setHttpCookieStore(new HttpCookieStore.Empty());
    client.getContentDecoderFactories().clear();
    client.setUserAgentField(null);
    try {
      client.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the HTTP client: " + e.getMessage(), e);
    }
    // Set up by start(): they would take a 401 to answer a WWW-Authenticate challenge, and its body
    // (the provider's reason) with it, or follow a 100-continue or an upgrade we never ask for.
    client.getProtocolHandlers().clear();
  }

  private static SSLContext defaultTls() {
    try {
      return SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM offers no default TLS context", e);
    }
  }

  /**
   * A response whose status and headers have arrived and whose body may still be arriving: as
   * {@code body}, or line by line in {@code lines} when it was asked for and the status is 2xx.
   *
   * @param lines the body's lines, or null when the body is read whole
   * @param body the whole body, or "" at the end of a body read as lines
   * @param canceller aborts the call
   */
  public record Opened(
      int status,
      HttpHeaders headers,
      LineFeed lines,
      CompletableFuture<String> body,
      Runnable canceller) {
    public boolean successful() {
      return status / 100 == 2;
    }

    /** Stops the call: its body is not going to be read. */
    public void cancel() {
      canceller.run();
    }
  }

  /**
   * Sends the request and waits for the response headers.
   *
   * @param maxBytes the most body bytes read; past them the body fails with {@link
   *     ResponseTooLargeException}
   * @param linesWhenSuccessful whether a 2xx body is read line by line ({@link Opened#lines()})
   */
  public Opened open(
      ProviderRequest request, long maxBytes, boolean linesWhenSuccessful, long deadlineNanos)
      throws FailedCall {
    if (closed || holds.getAndIncrement() == 0) {
      throw new FailedCall(
          new Failure.Transport(new IOException("the provider adapter is closed")));
    }
    Request http =
        client
            .newRequest(request.uri())
            .method(request.method())
            // The client's own idle timeout must not cut a call the deadlines allow.
            .idleTimeout(timeouts.total().toMillis() + 1_000, TimeUnit.MILLISECONDS)
            .headers(
                h -> {
                  for (ProviderRequest.Header header : request.headers()) {
                    h.add(header.name(), header.value());
                  }
                });
    if (request.body() != null) {
      http.body(
          new BytesRequestContent(
              request.header("Content-Type").orElse("application/octet-stream"), request.body()));
    }
    Reception reception = new Reception(http, maxBytes, linesWhenSuccessful, this::release);
    http.send(reception);
    long firstByte = timeouts.firstByte().toNanos();
    long untilDeadline = deadlineNanos - System.nanoTime();
    try {
      return reception.head.get(Math.min(firstByte, untilDeadline), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      http.abort(e);
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
      http.abort(e);
      Thread.currentThread().interrupt();
      throw new FailedCall(new Failure.Interrupted());
    }
  }

  /** Waits for the rest of a body read whole, until the call's deadline. */
  public String body(Opened opened, long deadlineNanos) throws FailedCall {
    try {
      return opened.body().get(deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      opened.cancel();
      throw new FailedCall(new Failure.TimedOut(totalOverdue(), null));
    } catch (ExecutionException e) {
      throw new FailedCall(transportFailure(e.getCause()));
    } catch (InterruptedException e) {
      opened.cancel();
      Thread.currentThread().interrupt();
      throw new FailedCall(new Failure.Interrupted());
    }
  }

  public String totalOverdue() {
    return "the call took longer than the total timeout of " + timeouts.total().toMillis() + " ms";
  }

  /** Lets calls in flight finish, and accepts no new ones. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      release();
    }
  }

  private void release() {
    if (holds.decrementAndGet() == 0) {
      // Not on the client's own thread, which the stop waits for.
      Thread.ofVirtual().name("promptyard-http-stop").start(this::stop);
    }
  }

  private void stop() {
    try {
      client.stop();
    } catch (Exception e) {
      // Nothing is left to call: the connections are closed or closing anyway.
      Thread.currentThread().interrupt();
    }
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
      case SocketTimeoutException e when isConnectTimeout(e) ->
          new Failure.TimedOut("no connection within the connect timeout", e);
      case HttpTimeoutException e -> new Failure.TimedOut("the HTTP client timed out", e);
      case TimeoutException e -> new Failure.TimedOut("the HTTP client timed out", e);
      case IOException e -> new Failure.Transport(e);
      case CancellationException e ->
          new Failure.Transport(new IOException("the request was cancelled", e));
      default ->
          new Failure.Transport(
              new IOException(cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause));
    };
  }

  // Jetty's ClientConnector fails a connection attempt that outlasts the connect timeout so.
  private static boolean isConnectTimeout(SocketTimeoutException e) {
    return e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains("connect");
  }
}
