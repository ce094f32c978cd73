package io.promptyard.examples.spring;

import io.promptyard.client.CompletionRequests;
import io.promptyard.client.PromptyardClient;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ResultStatus;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /ask {"question": "..."}}: submits the question and answers with the result once it
 * is on the reply topic (200 when it succeeded, 502 with its error otherwise), or 504 when none
 * came within the client's timeout. The request thread is not held while the answer is awaited.
 */
@RestController
public class AskController {

  /** The body of a question. */
  public record Question(String question) {}

  /**
   * What the service answers.
   *
   * @param id the request's id
   * @param status the result's status, {@code SUCCEEDED} when there is an answer
   * @param answer the answer's text, or null
   * @param error why there is no answer, or null
   * @param model the model that answered, or null
   */
  public record Answer(String id, String status, String answer, String error, String model) {}

  private final PromptyardClient client;
  private final PromptyardProperties properties;

  public AskController(PromptyardClient client, PromptyardProperties properties) {
    this.client = client;
    this.properties = properties;
  }

  /** Submits the question and completes with its answer. */
  @PostMapping("/ask")
  public CompletableFuture<ResponseEntity<Answer>> ask(@RequestBody Question question) {
    if (question == null || question.question() == null || question.question().isBlank()) {
      return CompletableFuture.completedFuture(
          ResponseEntity.badRequest()
              .body(new Answer(null, "INVALID", null, "question is required", null)));
    }
    return client
        .submit(
            CompletionRequests.builder()
                .model(properties.model())
                .user(question.question())
                .build())
        .thenApply(AskController::answer)
        .exceptionally(AskController::failure);
  }

  private static ResponseEntity<Answer> answer(CompletionResult result) {
    boolean succeeded = result.getStatus() == ResultStatus.SUCCEEDED;
    Answer answer =
        new Answer(
            result.getId(),
            result.getStatus().name(),
            succeeded ? result.getOutput().getText() : null,
            result.getError() == null ? null : result.getError().getMessage(),
            result.getModel());
    return ResponseEntity.status(succeeded ? HttpStatus.OK : HttpStatus.BAD_GATEWAY).body(answer);
  }

  private static ResponseEntity<Answer> failure(Throwable failure) {
    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
    if (cause instanceof TimeoutException) {
      return ResponseEntity.status(HttpStatus.GATEWAY_TIMEOUT)
          .body(new Answer(null, "TIMEOUT", null, cause.getMessage(), null));
    }
    return ResponseEntity.status(HttpStatus.BAD_GATEWAY)
        .body(new Answer(null, "FAILED", null, String.valueOf(cause.getMessage()), null));
  }
}
