package io.promptyard.providers;

import java.util.List;

/**
 * What a moderation endpoint said about one text.
 *
 * @param flagged whether the endpoint flagged it
 * @param categories the categories it flagged, in its order ({@code violence}, {@code
 *     harassment/threatening}…); empty when not flagged
 * @param score the highest category score the endpoint gave, in [0, 1]
 */
public record ModerationVerdict(boolean flagged, List<String> categories, double score) {

  public ModerationVerdict {
    categories = List.copyOf(categories);
  }
}
