package io.promptyard.providers.http;

import io.promptyard.schemas.ContentPart;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The text of a message's content parts where the provider takes only text there (a system prompt,
 * a tool result, an assistant turn), every other part refused before any call is made.
 */
public final class TextParts {

  private TextParts() {}

  /**
   * The parts' texts, in order, a missing text as "".
   *
   * @param refusal words the error for a part that is not text, given the part's type
   * @throws FailedCall (unsendable) for the first part that is not text
   */
  public static List<String> of(List<ContentPart> parts, UnaryOperator<String> refusal)
      throws FailedCall {
    List<String> texts = new ArrayList<>();
    for (ContentPart p : parts) {
      if (!"text".equals(p.getType())) {
        throw FailedCall.unsendable(refusal.apply(p.getType()));
      }
      texts.add(p.getText() == null ? "" : p.getText());
    }
    return texts;
  }
}
