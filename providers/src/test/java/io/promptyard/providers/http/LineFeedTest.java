package io.promptyard.providers.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LineFeedTest {

  private static final long FOREVER = TimeUnit.HOURS.toNanos(1);

  private final LineFeed feed = new LineFeed();
  private final AtomicInteger asked = new AtomicInteger();

  @Test
  void linesEndAtLfCrOrCrLfEvenWhenAPieceEndsBetweenCrAndLf() throws FailedCall {
    give("data: a\r");
    give("\ndata: b\rdata: c\n\n");
    feed.end();

    assertThat(next()).isEqualTo("data: a");
    assertThat(next()).isEqualTo("data: b");
    assertThat(next()).isEqualTo("data: c");
    assertThat(next()).isEmpty();
    assertThat(next()).isNull();
  }

  @Test
  void aLineAndACharacterSplitAcrossPiecesArriveWhole() throws FailedCall {
    byte[] snowman = "data: ☃\n".getBytes(StandardCharsets.UTF_8);
    feed.accept(ByteBuffer.wrap(snowman, 0, 8), asked::incrementAndGet);
    feed.accept(ByteBuffer.wrap(snowman, 8, snowman.length - 8), asked::incrementAndGet);
    give("no line break at the end");
    feed.end();

    assertThat(next()).isEqualTo("data: ☃");
    assertThat(next()).isEqualTo("no line break at the end");
    assertThat(next()).isNull();
  }

  @Test
  void theNextPieceIsAskedForOnlyWhenTheLinesOfTheLastAreTaken() throws FailedCall {
    give("one\ntwo\n");
    assertThat(asked).hasValue(0);

    next();
    assertThat(asked).hasValue(0);
    next();
    assertThat(asked).hasValue(1);

    give("half a li");
    assertThat(asked).as("a piece without a whole line asks for the next at once").hasValue(2);
  }

  @Test
  void aBodyThatBreaksOffFailsTheReaderAsATransportFailure() {
    give("one\n");
    feed.fail(new IOException("connection reset"));

    assertThatThrownBy(
            () -> {
              next();
              next();
            })
        .isInstanceOfSatisfying(
            FailedCall.class, f -> assertThat(f.failure()).isInstanceOf(Failure.Transport.class));
  }

  @Test
  void aReaderWaitingPastItsDeadlineTimesOut() {
    assertThatThrownBy(() -> feed.next(System.nanoTime(), "overdue"))
        .isInstanceOfSatisfying(
            FailedCall.class,
            f -> assertThat(f.failure()).isEqualTo(new Failure.TimedOut("overdue", null)));
  }

  private void give(String text) {
    feed.accept(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), asked::incrementAndGet);
  }

  private String next() throws FailedCall {
    return feed.next(System.nanoTime() + FOREVER, "overdue");
  }
}
