package io.promptyard.router.routing;

import com.knuddels.jtokkit.api.Encoding;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts a text's tokens under OpenAI's two BPE tokenizers and the calibrated estimate in one pass,
 * a word at a time, remembering the counts of recent words.
 *
 * <p>Counting a whole prompt with jtokkit costs far more than the rest of a routing decision
 * ({@code o200k_base} splits text with a Unicode regex first: about 1 µs per token on this
 * project's benchmark machine). Both tokenizers' pre-tokenizers ({@code o200k_base} and {@code
 * cl100k_base}) start a new piece at a space that follows a letter, digit or ASCII punctuation
 * character: no piece pattern ends with such a character and continues over a space, and the
 * patterns look behind nothing. So a text cut at those spaces (the space going with the word after
 * it) has exactly the sum of its parts' counts — {@code WordCounterTest} checks it on random and
 * real texts — and the parts are words, which recur across requests far more than whole prompts do.
 * The calibrated estimate is a weighted sum of character classes in which a cut space ends every
 * run, so it adds up over the same parts (kept in tenths of a token, rounded once for the whole
 * text).
 *
 * <p>One direct-mapped table of recent words per thread (stream threads each have their own),
 * looked up without copying the word; a word's BPE counts are computed the first time a tokenizer
 * asks for them.
 */
final class WordCounter {

  /** Index of each count in the sums {@link #count} adds to. */
  static final int O200K = 0;

  static final int CL100K = 1;
  static final int CALIBRATED_TENTHS = 2;

  private static final int DEFAULT_SLOTS = 1 << 16;
  private static final int MAX_CHUNK = 64;
  private static final int UNKNOWN = -1;

  private final Encoding o200k;
  private final Encoding cl100k;
  private final int slots;
  private final ThreadLocal<Slots> recent;

  WordCounter(Encoding o200k, Encoding cl100k) {
    this(o200k, cl100k, DEFAULT_SLOTS);
  }

  /** A counter remembering up to {@code slots} words per thread ({@code slots} a power of two). */
  WordCounter(Encoding o200k, Encoding cl100k, int slots) {
    if (Integer.bitCount(slots) != 1) {
      throw new IllegalArgumentException("slots must be a power of two, not " + slots);
    }
    this.o200k = o200k;
    this.cl100k = cl100k;
    this.slots = slots;
    this.recent = ThreadLocal.withInitial(() -> new Slots(this.slots));
  }

  /**
   * Adds the text's counts to {@code sums}: {@code o200k_base} at {@link #O200K} when {@code
   * withO200k}, {@code cl100k_base} at {@link #CL100K} when {@code withCl100k}, and always the
   * calibrated estimate in tenths of a token at {@link #CALIBRATED_TENTHS}.
   */
  void count(String text, boolean withO200k, boolean withCl100k, long[] sums) {
    Slots known = recent.get();
    int start = 0;
    int hash = 0;
    int length = text.length();
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c == ' ' && i > start && cutsBefore(text.charAt(i - 1))) {
        chunk(text, start, i, hash, known, withO200k, withCl100k, sums);
        start = i;
        hash = 0;
      }
      hash = 31 * hash + c;
    }
    if (length > start) {
      chunk(text, start, length, hash, known, withO200k, withCl100k, sums);
    }
  }

  /** The {@code o200k_base} count of a text (tests). */
  int o200k(String text) {
    long[] sums = new long[3];
    count(text, true, false, sums);
    return (int) sums[O200K];
  }

  /** The {@code cl100k_base} count of a text (tests). */
  int cl100k(String text) {
    long[] sums = new long[3];
    count(text, false, true, sums);
    return (int) sums[CL100K];
  }

  /**
   * Adds the counts of {@code text[start, end)}, whose {@link String#hashCode} is {@code hash}:
   * from the thread's table when the slot holds this very word (compared in place, nothing
   * allocated), else computed, and the slot then holds the word. A word evicts whatever word had
   * its slot.
   */
  private void chunk(
      String text,
      int start,
      int end,
      int hash,
      Slots known,
      boolean withO200k,
      boolean withCl100k,
      long[] sums) {
    int length = end - start;
    if (length > MAX_CHUNK) {
      String chunk = text.substring(start, end);
      if (withO200k) {
        sums[O200K] += o200k.countTokensOrdinary(chunk);
      }
      if (withCl100k) {
        sums[CL100K] += cl100k.countTokensOrdinary(chunk);
      }
      sums[CALIBRATED_TENTHS] += TokenEstimator.calibratedTenths(chunk);
      return;
    }
    int slot = (hash ^ (hash >>> 16)) & (slots - 1);
    String word = known.words[slot];
    if (word == null || word.length() != length || !text.regionMatches(start, word, 0, length)) {
      word = text.substring(start, end);
      known.words[slot] = word;
      known.o200k[slot] = UNKNOWN;
      known.cl100k[slot] = UNKNOWN;
      known.calibratedTenths[slot] = TokenEstimator.calibratedTenths(word);
    }
    if (withO200k) {
      if (known.o200k[slot] == UNKNOWN) {
        known.o200k[slot] = o200k.countTokensOrdinary(word);
      }
      sums[O200K] += known.o200k[slot];
    }
    if (withCl100k) {
      if (known.cl100k[slot] == UNKNOWN) {
        known.cl100k[slot] = cl100k.countTokensOrdinary(word);
      }
      sums[CL100K] += known.cl100k[slot];
    }
    sums[CALIBRATED_TENTHS] += known.calibratedTenths[slot];
  }

  /**
   * A piece of both tokenizers starts at a space that follows a letter, digit or ASCII punctuation
   * character.
   */
  private static boolean cutsBefore(char before) {
    return (before > ' ' && before < 127) || Character.isLetterOrDigit(before);
  }

  /** The parts {@link #count} counts separately, for tests. */
  static List<String> chunks(String text) {
    List<String> parts = new ArrayList<>();
    int start = 0;
    for (int i = 1; i <= text.length(); i++) {
      if (i == text.length() || (text.charAt(i) == ' ' && cutsBefore(text.charAt(i - 1)))) {
        parts.add(text.substring(start, i));
        start = i;
      }
    }
    return parts;
  }

  /** One thread's remembered words and their counts. */
  private static final class Slots {
    final String[] words;
    final int[] o200k;
    final int[] cl100k;
    final int[] calibratedTenths;

    Slots(int size) {
      words = new String[size];
      o200k = new int[size];
      cl100k = new int[size];
      calibratedTenths = new int[size];
    }
  }
}
