package io.promptyard.guardrails.pii;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonemetadata.PhoneMetadata;
import com.google.i18n.phonenumbers.metadata.DefaultMetadataDependenciesProvider;
import com.google.i18n.phonenumbers.metadata.source.MetadataSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a text holds a run of digits that libphonenumber could take for a valid number, from
 * libphonenumber's own numbering plans. Searching costs tens of microseconds per candidate even
 * when the candidate is far too short or too long for any plan (validity is tried against every
 * region of a country code), and most prompts with digits hold only short numbers (a ticket number,
 * a year, a count) or ids too long for a phone number (a timestamp in milliseconds, an order
 * number). Thread-safe.
 *
 * <p>A run is what libphonenumber's matcher could take as one candidate, generously: decimal digits
 * of any script with at most four other characters between two digits, none of them a letter other
 * than those its punctuation allows ({@code x} and {@code ー}). Its blocks are its digits between
 * those characters; the matcher starts a candidate, and splits one into inner candidates, only
 * between blocks.
 *
 * <p>The fewest digits: a valid number without a plus sign has either the default region's national
 * length or the region's international prefix, a country code and a national number; with a plus
 * sign anywhere in the text, a country code and a national number. One digit less is allowed for
 * national prefix rewriting.
 *
 * <p>The most digits, without a plus sign in the text: the longest national number of the region's
 * country code, after libphonenumber has taken off what the blocks start with of the country code
 * and the national prefix (which it may take off twice), unless they start with the region's
 * international prefix. A region whose national prefix is a pattern rather than digits (carrier
 * codes), or is rewritten, has no such bound, nor has a run with a block of more than {@value
 * #MATCHER_BLOCK} digits (the matcher may start a candidate inside it).
 */
final class PhoneDigits {

  private static final int SEPARATORS_BETWEEN_DIGITS = 4;

  /** The most digits libphonenumber's matcher takes as one block of a candidate. */
  private static final int MATCHER_BLOCK = 20;

  private static final int UNBOUNDED = Integer.MAX_VALUE;

  private final PhoneNumberUtil phones;
  private final MetadataSource plans =
      DefaultMetadataDependenciesProvider.getInstance().getPhoneNumberMetadataSource();
  private final int withPlus;
  private final Map<String, Bounds> withoutPlus = new ConcurrentHashMap<>();

  PhoneDigits(PhoneNumberUtil phones) {
    this.phones = phones;
    int fewest = Integer.MAX_VALUE;
    for (int code : phones.getSupportedCallingCodes()) {
      int national = fewestNational(code);
      if (national < Integer.MAX_VALUE) {
        fewest = Math.min(fewest, String.valueOf(code).length() + national);
      }
    }
    this.withPlus = fewest - 1;
  }

  /**
   * Whether {@code text} may hold a valid number of {@code region}'s plan or an international one.
   */
  boolean mayHoldNumber(String text, String region) {
    boolean plus = text.indexOf('+') >= 0 || text.indexOf('\uFF0B') >= 0;
    if (plus) {
      return longestRun(text) >= withPlus;
    }
    Bounds bounds = withoutPlus.computeIfAbsent(region, this::boundsWithoutPlus);
    if (longestRun(text) < bounds.fewest()) {
      return false;
    }
    return bounds.longestNational() == UNBOUNDED || new Runs(text, bounds).anyFits();
  }

  /** The most digits in one run, as the class comment defines it. */
  static int longestRun(String text) {
    int longest = 0;
    int run = 0;
    int since = 0;
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      if (Character.isDigit(c)) {
        run = since <= SEPARATORS_BETWEEN_DIGITS ? run + 1 : 1;
        since = 0;
        longest = Math.max(longest, run);
      } else if (Character.isLetter(c) && c != 'x' && c != '\u30FC') {
        run = 0;
        since = 0;
      } else {
        since++;
      }
    }
    return longest;
  }

  private Bounds boundsWithoutPlus(String region) {
    PhoneMetadata plan = plans.getMetadataForRegion(region);
    if (plan == null) {
      return new Bounds(withPlus, UNBOUNDED, "", "", null);
    }
    int national = fewestNational(plan.getCountryCode());
    int international = shortestPrefix(plan.getInternationalPrefix()) + withPlus + 1;
    int fewest = Math.min(national, international) - 1;
    String nationalPrefix =
        plan.getNationalPrefixForParsing().isEmpty()
            ? plan.getNationalPrefix()
            : plan.getNationalPrefixForParsing();
    int longestNational = longestNational(plan.getCountryCode());
    boolean rewritten = !plan.getNationalPrefixTransformRule().isEmpty();
    if (rewritten
        || !nationalPrefix.chars().allMatch(c -> c >= '0' && c <= '9')
        || longestNational == 0) {
      return new Bounds(fewest, UNBOUNDED, "", "", null);
    }
    String prefix = plan.getInternationalPrefix();
    return new Bounds(
        fewest,
        longestNational,
        String.valueOf(plan.getCountryCode()),
        nationalPrefix,
        prefix.isEmpty() ? null : Pattern.compile(prefix));
  }

  /** The most digits of a national number possible in any region that shares {@code code}. */
  private int longestNational(int code) {
    int longest = 0;
    for (PhoneMetadata plan : plansOf(code)) {
      for (int length : plan.getGeneralDesc().getPossibleLengthList()) {
        longest = Math.max(longest, length);
      }
      for (int length : plan.getGeneralDesc().getPossibleLengthLocalOnlyList()) {
        longest = Math.max(longest, length);
      }
    }
    return longest;
  }

  /** The fewest digits of a national number valid in any region that shares {@code code}. */
  private int fewestNational(int code) {
    int fewest = Integer.MAX_VALUE;
    for (PhoneMetadata plan : plansOf(code)) {
      for (int length : plan.getGeneralDesc().getPossibleLengthList()) {
        fewest = Math.min(fewest, length);
      }
    }
    return fewest;
  }

  /** The numbering plans of every region, or non-geographic entity, that shares {@code code}. */
  private List<PhoneMetadata> plansOf(int code) {
    List<PhoneMetadata> found = new ArrayList<>();
    for (String region : phones.getRegionCodesForCountryCode(code)) {
      PhoneMetadata plan =
          PhoneNumberUtil.REGION_CODE_FOR_NON_GEO_ENTITY.equals(region)
              ? plans.getMetadataForNonGeographicalRegion(code)
              : plans.getMetadataForRegion(region);
      if (plan != null) {
        found.add(plan);
      }
    }
    return found;
  }

  /** The length of the shortest digit string the international prefix pattern takes, 0 to 3. */
  private static int shortestPrefix(String pattern) {
    if (pattern == null || pattern.isEmpty()) {
      return 0;
    }
    Pattern prefix = Pattern.compile(pattern);
    for (int length = 1; length <= 2; length++) {
      int count = (int) Math.pow(10, length);
      for (int n = 0; n < count; n++) {
        String digits = String.format("%0" + length + "d", n);
        if (prefix.matcher(digits).matches()) {
          return length;
        }
      }
    }
    return 3;
  }

  /**
   * How many digits a candidate without a plus sign needs, and how many its national number may
   * have once a leading country code and national prefixes are taken off, unless it starts with the
   * international prefix ({@code null}: the region has none).
   */
  private record Bounds(
      int fewest,
      int longestNational,
      String countryCode,
      String nationalPrefix,
      Pattern internationalPrefix) {

    /**
     * The most leading digits of {@code digits} from {@code at} that libphonenumber may take off as
     * the country code (once) and the national prefix (twice: once after the country code, once on
     * what it keeps), in any order.
     */
    int strippable(CharSequence digits, int at) {
      return strippable(digits, at, true, 2);
    }

    private int strippable(CharSequence digits, int at, boolean code, int prefixes) {
      int most = 0;
      if (code && startsWith(digits, at, countryCode)) {
        int after = at + countryCode.length();
        most = countryCode.length() + strippable(digits, after, false, prefixes);
      }
      if (prefixes > 0 && !nationalPrefix.isEmpty() && startsWith(digits, at, nationalPrefix)) {
        int after = at + nationalPrefix.length();
        most =
            Math.max(most, nationalPrefix.length() + strippable(digits, after, code, prefixes - 1));
      }
      return most;
    }

    private static boolean startsWith(CharSequence digits, int at, String start) {
      if (at + start.length() > digits.length()) {
        return false;
      }
      for (int i = 0; i < start.length(); i++) {
        if (digits.charAt(at + i) != start.charAt(i)) {
          return false;
        }
      }
      return true;
    }
  }

  /** One pass over a text's runs, as the class comment defines them, and their blocks. */
  private static final class Runs {

    private final String text;
    private final Bounds bounds;

    /** The current run's digits, as ASCII digits. */
    private final StringBuilder digits = new StringBuilder();

    /** Where in {@link #digits} each block of the current run starts. */
    private int[] blockStarts = new int[8];

    private int blocks;

    Runs(String text, Bounds bounds) {
      this.text = text;
      this.bounds = bounds;
    }

    /** Whether some run of the text may hold a valid number within the bounds. */
    boolean anyFits() {
      int since = 0;
      for (int i = 0; i < text.length(); ) {
        int c = text.codePointAt(i);
        i += Character.charCount(c);
        if (Character.isDigit(c)) {
          if (since > SEPARATORS_BETWEEN_DIGITS) {
            if (fits()) {
              return true;
            }
            clear();
          }
          if (blocks == 0 || since > 0) {
            startBlock();
          }
          digits.append((char) ('0' + Character.digit(c, 10)));
          since = 0;
        } else if (Character.isLetter(c) && c != 'x' && c != '\u30FC') {
          if (fits()) {
            return true;
          }
          clear();
          since = 0;
        } else {
          since++;
        }
      }
      return fits();
    }

    private void startBlock() {
      if (blocks == blockStarts.length) {
        blockStarts = Arrays.copyOf(blockStarts, blocks * 2);
      }
      blockStarts[blocks++] = digits.length();
    }

    private void clear() {
      digits.setLength(0);
      blocks = 0;
    }

    /**
     * Whether some blocks of the current run, one after another, hold as many digits as a valid
     * number may: a candidate and its inner candidates are such blocks.
     */
    private boolean fits() {
      if (digits.length() < bounds.fewest()) {
        return false;
      }
      for (int b = 0; b < blocks; b++) {
        if (end(b) - blockStarts[b] > MATCHER_BLOCK) {
          return true;
        }
      }
      Matcher prefix =
          bounds.internationalPrefix() == null
              ? null
              : bounds.internationalPrefix().matcher(digits);
      for (int first = 0; first < blocks; first++) {
        int start = blockStarts[first];
        boolean international = prefix != null && prefix.region(start, digits.length()).lookingAt();
        int most = bounds.longestNational() + bounds.strippable(digits, start);
        for (int last = first; last < blocks; last++) {
          int held = end(last) - start;
          if (held > most && !international) {
            break;
          }
          if (held >= bounds.fewest()) {
            return true;
          }
        }
      }
      return false;
    }

    /** Where block {@code b} ends in {@link #digits}. */
    private int end(int b) {
      return b + 1 < blocks ? blockStarts[b + 1] : digits.length();
    }
  }
}
