package io.promptyard.guardrails.injection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The rules' trigger words, all found in one pass over a text: at each position only the words that
 * start with the two characters there are compared, instead of one scan of the text per word.
 */
final class TriggerWords {

  private static final int BUCKETS = 1 << 12;
  private static final int[] NONE = new int[0];

  private final String[] words;
  private final Map<String, Integer> ids = new HashMap<>();

  /** The ids of the words of two or more characters, by the hash of their first two. */
  private final int[][] byStart = new int[BUCKETS][];

  private final int[] singleChars;

  TriggerWords(Collection<String> all) {
    words = new LinkedHashSet<>(all).toArray(String[]::new);
    List<List<Integer>> buckets = new ArrayList<>();
    for (int b = 0; b < BUCKETS; b++) {
      buckets.add(new ArrayList<>());
    }
    List<Integer> singles = new ArrayList<>();
    for (int id = 0; id < words.length; id++) {
      ids.put(words[id], id);
      String w = words[id];
      if (w.length() == 1) {
        singles.add(id);
      } else {
        buckets.get(bucket(w.charAt(0), w.charAt(1))).add(id);
      }
    }
    Arrays.fill(byStart, NONE);
    for (int b = 0; b < BUCKETS; b++) {
      if (!buckets.get(b).isEmpty()) {
        byStart[b] = buckets.get(b).stream().mapToInt(Integer::intValue).toArray();
      }
    }
    singleChars = singles.stream().mapToInt(Integer::intValue).toArray();
  }

  private static int bucket(char first, char second) {
    return (first * 31 + second) & (BUCKETS - 1);
  }

  /** Which of the words {@code text} contains; asking about another word is an error. */
  Predicate<String> in(String text) {
    boolean[] found = new boolean[words.length];
    for (int id : singleChars) {
      found[id] = text.indexOf(words[id].charAt(0)) >= 0;
    }
    for (int i = 0; i + 1 < text.length(); i++) {
      for (int id : byStart[bucket(text.charAt(i), text.charAt(i + 1))]) {
        found[id] = found[id] || text.startsWith(words[id], i);
      }
    }
    return word -> {
      Integer id = ids.get(word);
      if (id == null) {
        throw new IllegalArgumentException("not a trigger word: " + word);
      }
      return found[id];
    };
  }
}
