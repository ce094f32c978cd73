package io.promptyard.cli.dlq;

import io.promptyard.schemas.ErrorCode;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Which dead letters a command works on; every criterion given must hold, and an empty filter takes
 * all.
 *
 * @param codes error codes, any of them (empty: any code)
 * @param provider the provider the job was routed to
 * @param team the request's team
 * @param since dead-lettered at or after
 * @param until dead-lettered before
 * @param requestId the request id
 * @param positions {@code partition@offset} positions on the dead-letter topic, any of them (empty:
 *     any)
 */
public record DeadLetterFilter(
    Set<ErrorCode> codes,
    Optional<String> provider,
    Optional<String> team,
    Optional<Instant> since,
    Optional<Instant> until,
    Optional<String> requestId,
    Set<String> positions) {

  public DeadLetterFilter {
    codes = Set.copyOf(codes);
    positions = Set.copyOf(positions);
  }

  /** Takes every dead letter. */
  public static DeadLetterFilter all() {
    return new DeadLetterFilter(
        Set.of(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Set.of());
  }

  /** True when no criterion is set. */
  public boolean isEmpty() {
    return equals(all());
  }

  public boolean matches(LetterOnTopic l) {
    Instant at = l.letter().getDeadLetteredAt();
    return (codes.isEmpty() || codes.contains(l.letter().getErrorCode()))
        && provider.map(p -> p.equals(l.letter().getProvider())).orElse(true)
        && team.map(t -> t.equals(l.letter().getTeam())).orElse(true)
        && since.map(s -> !at.isBefore(s)).orElse(true)
        && until.map(u -> at.isBefore(u)).orElse(true)
        && requestId.map(id -> id.equals(l.requestId())).orElse(true)
        && (positions.isEmpty() || positions.contains(l.position()));
  }
}
