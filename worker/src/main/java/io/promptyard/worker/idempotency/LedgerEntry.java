package io.promptyard.worker.idempotency;

/** What the idempotency ledger holds for one request id. */
public sealed interface LedgerEntry {

  /**
   * The request's terminal result is published.
   *
   * @param status its {@code ResultStatus} name
   * @param request the {@link RequestFingerprint} of the request it answers; null when not recorded
   *     (entries written before the ledger kept it), which any request with the id matches
   */
  record Done(String status, String request) implements LedgerEntry {
    public Done(String status) {
      this(status, null);
    }
  }

  /**
   * A worker was about to publish the request's terminal result when it wrote this entry, and had
   * not yet recorded it done: it may have died in between. Only the results topic can tell whether
   * the result landed.
   *
   * @param resultsPartition the partition of the results topic the result goes to
   * @param since when the entry was written (epoch millis): the result, if published, is not older
   * @param request the {@link RequestFingerprint} of the request it answers; null when not recorded
   */
  record Publishing(int resultsPartition, long since, String request) implements LedgerEntry {
    public Publishing(int resultsPartition, long since) {
      this(resultsPartition, since, null);
    }
  }

  /**
   * A worker is processing the request now and renews this lease while it does; it lapses by itself
   * when that worker dies.
   *
   * @param owner the job that holds it
   */
  record Running(String owner) implements LedgerEntry {}

  /**
   * Whether an entry for the request id was written for the request with {@code fingerprint}, as
   * far as it says: a lease names no request, and an entry that recorded none matches any.
   */
  default boolean answers(String fingerprint) {
    String recorded =
        switch (this) {
          case Done d -> d.request();
          case Publishing p -> p.request();
          case Running r -> null;
        };
    return recorded == null || fingerprint == null || recorded.equals(fingerprint);
  }
}
