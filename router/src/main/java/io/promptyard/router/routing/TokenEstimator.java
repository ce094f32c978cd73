package io.promptyard.router.routing;

import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.ContentPart;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.ToolDefinition;

/**
 * Estimates a request's input tokens before any provider sees it: about four characters per token plus a
 * per-message overhead, and a flat charge per image. Good enough to check context windows and estimate
 * cost; the real count comes back in the provider's usage.
 */
public final class TokenEstimator {

  private static final int PER_MESSAGE_OVERHEAD = 4;
  private static final int PER_IMAGE = 765;

  private TokenEstimator() {}

  public static int estimateInput(CompletionRequest request) {
    long tokens = 3;
    for (Message m : request.getMessages()) {
      tokens += PER_MESSAGE_OVERHEAD + chars(m.getText());
      for (ContentPart part : m.getParts()) {
        tokens += "image_url".equals(part.getType()) ? PER_IMAGE : chars(part.getText());
      }
    }
    if (request.getParameters() != null) {
      for (ToolDefinition tool : request.getParameters().getTools()) {
        tokens += chars(tool.getName()) + chars(tool.getDescription()) + chars(tool.getParametersJson());
      }
    }
    return (int) Math.min(Integer.MAX_VALUE, tokens);
  }

  private static long chars(String text) {
    return text == null ? 0 : (text.length() + 3) / 4;
  }
}
