package io.promptyard.worker.idempotency;

/** What the idempotency ledger holds for one request id. */
public sealed interface LedgerEntry {

  /**
   * The request's terminal result is published.
   *
   * @param status its {@code ResultStatus} name
   */
  record Done(String status) implements LedgerEntry {}

  /**
   * A worker was about to publish the request's terminal result when it wrote this entry, and had not yet
   * recorded it done: it may have died in between. Only the results topic can tell whether the result landed.
   *
   * @param resultsPartition the partition of the results topic the result goes to
   * @param since when the entry was written (epoch millis): the result, if published, is not older
   */
  record Publishing(int resultsPartition, long since) implements LedgerEntry {}

  /**
   * A worker is processing the request now and renews this lease while it does; it lapses by itself when that
   * worker dies.
   *
   * @param owner the job that holds it
   */
  record Running(String owner) implements LedgerEntry {}
}
