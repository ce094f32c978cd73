package io.promptyard.worker.idempotency;

import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.ingress.ProducerText;
import io.promptyard.schemas.results.TerminalResults;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives each request id one terminal result, however often its job is delivered and whichever
 * worker gets it. A job goes through four steps, each a method here:
 *
 * <ol>
 *   <li>{@link #begin}: the ledger either gives the job a lease on its id ({@link Admission.Run})
 *       or answers for it — the request already has its result, a worker that died published it, or
 *       its id belongs to another request;
 *   <li>{@link #markPublishing}, just before its result is published: a worker that gets the job
 *       after a crash looks for the result on the results partition this names ({@link
 *       PublishedResults}) before calling the provider again;
 *   <li>{@link #markPublished}, after its result is published and before its record is
 *       acknowledged: a redelivery is not sent to a provider again;
 *   <li>or {@link #abandon}, when the job ends without a terminal result (forwarded, parked,
 *       interrupted).
 * </ol>
 *
 * <p>A job an operator replayed from the dead-letter topic runs again unless its request already
 * succeeded, and its result is recorded as that replay's: the replay's record, delivered again
 * before it was acknowledged, is not run a third time, while a later replay of the same dead letter
 * still runs.
 */
public final class IdempotencyProtocol {

  private static final Logger log = LoggerFactory.getLogger(IdempotencyProtocol.class);

  /** How often a job held by another worker looks at the ledger again. */
  private static final Duration LEDGER_POLL = Duration.ofMillis(250);

  /** Between a result's status and the replay that produced it, in the ledger. */
  private static final String REPLAY_MARK = " after replay ";

  private final ResultLedger ledger;
  private final PublishedResults published;
  private final Duration resultTtl;
  private final Duration publishingGrace;
  private final Clock clock;

  /** Names this worker's leases. */
  private final String workerId = UUID.randomUUID().toString();

  /**
   * Tells apart the leases this worker takes: unique with {@link #workerId}, and cheaper than a
   * random UUID per job (which reads the system's secure random source under a lock).
   */
  private final AtomicLong leases = new AtomicLong();

  /**
   * @param published read when a worker died between publishing a result and recording it in the
   *     ledger
   * @param resultTtl how long a finished request id is remembered
   * @param publishingGrace a result whose publishing began this recently is awaited, not looked for
   *     on the results topic: its send may still be in the publishing worker's producer, and land
   *     after a look that found nothing
   */
  public IdempotencyProtocol(
      ResultLedger ledger,
      PublishedResults published,
      Duration resultTtl,
      Duration publishingGrace,
      Clock clock) {
    this.ledger = ledger;
    this.published = published;
    this.resultTtl = resultTtl;
    this.publishingGrace = publishingGrace;
    this.clock = clock;
  }

  /** What the ledger says about a job about to run. */
  public sealed interface Admission {

    /**
     * Nothing answers the request yet: run it. The caller holds {@code lease} (when it got one)
     * until step 2 or 4.
     */
    record Run(Optional<Lease> lease) implements Admission {}

    /** The request already has its terminal result: nothing is run or published again. */
    record AlreadyDone() implements Admission {}

    /**
     * The request's result is on the results topic, published by a worker that did not record it.
     */
    record AlreadyPublished(CompletionResult result) implements Admission {}

    /**
     * The request's id belongs to a different request of its team: its REJECTED result, naming the
     * id.
     */
    record DuplicateId(CompletionResult rejection) implements Admission {}
  }

  /** A job's hold on its request id, lapsing by itself if its worker dies. */
  public record Lease(String team, String requestId, String owner) {}

  /**
   * Step 1: begins a job. A request another worker holds is waited for, rather than called a second
   * time (its lock was lost when a worker joined, say); its lease lapses if it dies.
   *
   * @param fingerprint the request's {@link RequestFingerprint}
   * @param replayOf the dead letter an operator replayed the job from; null when the job was not
   *     replayed
   */
  public Admission begin(CompletionRequest request, String fingerprint, String replayOf)
      throws InterruptedException {
    String owner = workerId + ":" + leases.incrementAndGet();
    Optional<LedgerEntry> entry = ledger.begin(request.getTeam(), request.getId(), owner);
    if (busyElsewhere(entry)) {
      log.info(
          "request {} is being processed by another worker; waiting for its result",
          ProducerText.escape(request.getId()));
      while (busyElsewhere(entry)) {
        Thread.sleep(LEDGER_POLL);
        entry = ledger.begin(request.getTeam(), request.getId(), owner);
      }
    }
    if (entry.isEmpty()) {
      return new Admission.Run(Optional.of(new Lease(request.getTeam(), request.getId(), owner)));
    }
    // An operator's replay may change what is asked (another model, other parameters): it is the
    // same request under its id, not a different one reusing it.
    if (replayOf == null && !entry.get().answers(fingerprint)) {
      return duplicateId(request, entry.get());
    }
    return switch (entry.get()) {
      // A replay overwrites the ledger entry of the run it replays; a publishing entry it finds is
      // its own.
      case LedgerEntry.Publishing publishing -> publishedBefore(request, publishing);
      case LedgerEntry.Done done -> answeredBefore(request, done.status(), replayOf);
      case LedgerEntry.Running running -> new Admission.Run(Optional.empty());
    };
  }

  /**
   * Step 2: records that {@code result} is about to be published to {@code resultsPartition} (-1:
   * not known).
   */
  public void markPublishing(CompletionResult result, String fingerprint, int resultsPartition) {
    if (resultsPartition >= 0) {
      ledger.markPublishing(
          result.getTeam(),
          result.getId(),
          new LedgerEntry.Publishing(resultsPartition, clock.millis(), fingerprint),
          resultTtl);
    }
  }

  /**
   * Step 3: records that {@code result} is safely published (or, for {@link
   * Admission.AlreadyPublished}, found published and its reply copy sent again).
   *
   * @param replayOf the dead letter an operator replayed the job from; null when the job was not
   *     replayed
   */
  public void markPublished(CompletionResult result, String fingerprint, String replayOf) {
    String status =
        replayOf == null
            ? result.getStatus().name()
            : result.getStatus().name() + REPLAY_MARK + replayOf;
    ledger.markDone(
        result.getTeam(), result.getId(), new LedgerEntry.Done(status, fingerprint), resultTtl);
  }

  /** Step 4: gives up a job's lease, when it ended without a terminal result. */
  public void abandon(Lease lease) {
    ledger.abandon(lease.team(), lease.requestId(), lease.owner());
  }

  /**
   * The request has a terminal result: nothing again, unless an operator replayed it and it did not
   * succeed (nor did this very replay run already).
   */
  private Admission answeredBefore(CompletionRequest request, String status, String replayOf) {
    if (replayOf == null) {
      log.info(
          "request {} already has a terminal result; not calling a provider again",
          ProducerText.escape(request.getId()));
      return new Admission.AlreadyDone();
    }
    if (status.startsWith(ResultStatus.SUCCEEDED.name())) {
      log.info(
          "request {} replayed from {} already succeeded; not calling a provider again",
          ProducerText.escape(request.getId()),
          ProducerText.escape(replayOf));
      return new Admission.AlreadyDone();
    }
    if (status.endsWith(REPLAY_MARK + replayOf)) {
      // This replay ran already and published its result; its record came again (a crash before the
      // ack).
      log.info(
          "request {} replayed from {} already has its result from this replay ({}); not calling a provider again",
          ProducerText.escape(request.getId()),
          ProducerText.escape(replayOf),
          status);
      return new Admission.AlreadyDone();
    }
    log.info(
        "request {} replayed from {} (last result: {}); running it again",
        ProducerText.escape(request.getId()),
        ProducerText.escape(replayOf),
        status);
    return new Admission.Run(Optional.empty());
  }

  /**
   * The REJECTED result of a request whose id already belongs to a different request of its team
   * (one that asks something else): a producer that reuses ids, or that leaves the id to its record
   * keys and sends several requests under one key. Its result goes out under that id; the ledger
   * keeps the first request's entry.
   */
  private static Admission duplicateId(CompletionRequest request, LedgerEntry taken) {
    String other =
        taken instanceof LedgerEntry.Done done
            ? "whose " + done.status() + " result is on the results topic"
            : "whose result is being published";
    String message =
        "request id "
            + request.getId()
            + " of team "
            + request.getTeam()
            + " is already taken by a different request, "
            + other
            + "; this request was not run: give each request "
            + "its own id (metadata.request_id on JSON requests, where the record key stands in when it is missing)";
    log.warn(
        "rejected request {} of team {}: its id belongs to a different request",
        ProducerText.escape(request.getId()),
        ProducerText.escape(request.getTeam()));
    return new Admission.DuplicateId(
        TerminalResults.unsuccessful(
            request,
            ResultStatus.REJECTED,
            TerminalResults.error(ErrorCode.INVALID_REQUEST, message),
            0));
  }

  /**
   * True while another worker holds the request: its lease is live, or it began publishing the
   * result within the publishing grace (and is about to record it done).
   */
  private boolean busyElsewhere(Optional<LedgerEntry> entry) {
    return switch (entry.orElse(null)) {
      case LedgerEntry.Running r -> true;
      case LedgerEntry.Publishing p -> clock.millis() - p.since() < publishingGrace.toMillis();
      case null, default -> false;
    };
  }

  /**
   * A worker was publishing the request's result and had not recorded it done: it died in between,
   * lost the job's lock, or failed to publish. The results partition says which.
   */
  private Admission publishedBefore(CompletionRequest request, LedgerEntry.Publishing publishing) {
    Optional<CompletionResult> found =
        published.find(request.getTeam(), request.getId(), publishing);
    if (found.isPresent()) {
      log.info(
          "request {}: its {} result was published by a worker that did not record it; not publishing it again",
          ProducerText.escape(request.getId()),
          found.get().getStatus());
      return new Admission.AlreadyPublished(found.get());
    }
    log.info(
        "request {}: a worker was publishing its result and did not; processing it again",
        ProducerText.escape(request.getId()));
    return new Admission.Run(Optional.empty());
  }
}
