package io.promptyard.providers.http;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;

/**
 * One call's answer as Jetty delivers it, on Jetty's threads, for {@link Exchange}: the headers as
 * an {@link Exchange.Opened}, then the body whole or line by line, counted against the cap. Nothing
 * here blocks.
 */
final class Reception implements Response.Listener {
  final CompletableFuture<Exchange.Opened> head = new CompletableFuture<>();
  private final CompletableFuture<String> body = new CompletableFuture<>();
  private final Request request;
  private final long maxBytes;
  private final boolean linesWhenSuccessful;
  private final Runnable done;
  private LineFeed lines;
  private ByteArrayOutputStream whole;
  private long received;

  /**
   * @param done called once the call is over, whether it succeeded or not
   */
  Reception(Request request, long maxBytes, boolean linesWhenSuccessful, Runnable done) {
    this.request = request;
    this.done = done;
    this.maxBytes = maxBytes;
    this.linesWhenSuccessful = linesWhenSuccessful;
  }

  @Override
  public void onHeaders(Response response) {
    int status = response.getStatus();
    if (linesWhenSuccessful && status / 100 == 2) {
      lines = new LineFeed();
    } else {
      whole = new ByteArrayOutputStream();
    }
    head.complete(
        new Exchange.Opened(
            status,
            headers(response),
            lines,
            body,
            () -> request.abort(new CancellationException("the answer is no longer read"))));
  }

  @Override
  public void onContent(Response response, Content.Chunk chunk, Runnable more) {
    received += chunk.remaining();
    if (received > maxBytes) {
      response.abort(new ResponseTooLargeException(maxBytes));
      return;
    }
    if (lines != null) {
      lines.accept(chunk.getByteBuffer(), more);
    } else {
      byte[] bytes = new byte[chunk.remaining()];
      chunk.getByteBuffer().get(bytes);
      whole.writeBytes(bytes);
      more.run();
    }
  }

  @Override
  public void onContent(Response response, ByteBuffer content) {
    throw new IllegalStateException("the asynchronous onContent reads the body");
  }

  @Override
  public void onComplete(Result result) {
    done.run();
    if (result.isFailed()) {
      Throwable failure = result.getFailure();
      head.completeExceptionally(failure);
      body.completeExceptionally(failure);
      if (lines != null) {
        lines.fail(failure);
      }
    } else if (lines != null) {
      lines.end();
      body.complete("");
    } else {
      body.complete(whole == null ? "" : whole.toString(StandardCharsets.UTF_8));
    }
  }

  private static HttpHeaders headers(Response response) {
    // One list per name whatever its case: HttpHeaders refuses a name given in two cases.
    Map<String, List<String>> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (HttpField field : response.getHeaders()) {
      byName.computeIfAbsent(field.getName(), n -> new ArrayList<>(1)).add(field.getValue());
    }
    return HttpHeaders.of(byName, (name, value) -> true);
  }
}
