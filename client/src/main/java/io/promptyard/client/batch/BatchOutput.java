package io.promptyard.client.batch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.json.ResultJson;

/**
 * Writes results in the OpenAI Batch output format, one line per request: the shape {@link
 * ResultJson} defines, which the {@code promptyard.results.json} mirror topic carries too.
 */
public final class BatchOutput {

  private BatchOutput() {}

  /** {@code r} as one OpenAI Batch output line. */
  public static ObjectNode line(CompletionResult r) {
    return ResultJson.line(r);
  }
}
