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

  /**
   * By bucket, the third characters of its words as bits ({@code c & 63}); all bits where a word
   * has two characters. A position whose third character has no bit is passed over: most English
   * letter pairs start some word, few with the right third letter.
   */
  private final long[] thirds = new long[BUCKETS];

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
        int b = bucket(w.charAt(0), w.charAt(1));
        buckets.get(b).add(id);
        thirds[b] |= w.length() == 2 ? -1L : 1L << (w.charAt(2) & 63);
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
    int last = text.length() - 1;
    for (int i = 0; i < last; i++) {
      int b = bucket(text.charAt(i), text.charAt(i + 1));
      if (byStart[b].length == 0
          || i + 2 <= last && (thirds[b] & 1L << (text.charAt(i + 2) & 63)) == 0) {
        continue;
      }
      for (int id : byStart[b]) {
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
