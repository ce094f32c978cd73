package io.promptyard.client;

import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ResultStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * {@link PromptyardClient#submitAll}: reads the stream on a virtual thread, taking a permit per
 * request and giving it back when its result (or failure) arrives, so that at most {@code
 * maxOutstanding} await a result at once.
 */
final class BatchSubmission {

  private BatchSubmission() {}

  static CompletableFuture<List<CompletionResult>> start(
      Function<CompletionRequest, CompletableFuture<CompletionResult>> submit,
      Stream<CompletionRequest> requests,
      int maxOutstanding,
      Consumer<BatchProgress> progress,
      String threadName) {
    CompletableFuture<List<CompletionResult>> all = new CompletableFuture<>();
    Thread.ofVirtual()
        .name(threadName)
        .start(
            () -> {
              Semaphore slots = new Semaphore(maxOutstanding);
              List<CompletionResult> results = Collections.synchronizedList(new ArrayList<>());
              List<CompletableFuture<CompletionResult>> pending = new ArrayList<>();
              AtomicLong sent = new AtomicLong();
              AtomicLong succeeded = new AtomicLong();
              AtomicLong unsuccessful = new AtomicLong();
              Runnable report =
                  () ->
                      progress.accept(
                          new BatchProgress(
                              sent.get(),
                              succeeded.get() + unsuccessful.get(),
                              succeeded.get(),
                              unsuccessful.get(),
                              maxOutstanding - slots.availablePermits()));
              try {
                requests.forEachOrdered(
                    request -> {
                      slots.acquireUninterruptibly();
                      int index = pending.size();
                      results.add(null);
                      pending.add(
                          submit
                              .apply(request)
                              .whenComplete(
                                  (r, e) -> {
                                    (r != null && r.getStatus() == ResultStatus.SUCCEEDED
                                            ? succeeded
                                            : unsuccessful)
                                        .incrementAndGet();
                                    results.set(index, r);
                                    slots.release();
                                    report.run();
                                  }));
                      sent.incrementAndGet();
                      report.run();
                    });
              } catch (RuntimeException e) {
                all.completeExceptionally(e);
                return;
              }
              CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                  .whenComplete(
                      (v, e) -> {
                        if (e != null) {
                          all.completeExceptionally(Stages.unwrap(e));
                        } else {
                          all.complete(List.copyOf(results));
                        }
                      });
            });
    return all;
  }
}
