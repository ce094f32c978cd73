package io.promptyard.guardrails.pii;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonemetadata.PhoneMetadata;
import com.google.i18n.phonenumbers.metadata.DefaultMetadataDependenciesProvider;
import com.google.i18n.phonenumbers.metadata.source.MetadataSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The fewest digits a text must hold in one phone-shaped run before libphonenumber can find a valid
 * number in it, taken from libphonenumber's own numbering plans. Searching costs tens of
 * microseconds per candidate even when the candidate is far too short for any plan (validity is
 * tried against every region of a country code), and most prompts with digits hold only short
 * numbers: a ticket number, a year, a count. Thread-safe.
 *
 * <p>A run is what libphonenumber's matcher could take as one candidate, generously: decimal digits
 * of any script with at most four other characters between two digits, none of them a letter other
 * than those its punctuation allows ({@code x} and {@code ー}). A valid number without a plus sign
 * has either the default region's national length or the region's international prefix, a country
 * code and a national number; with a plus sign anywhere in the text, a country code and a national
 * number. One digit less is allowed for national prefix rewriting.
 */
final class PhoneDigits {

  private static final int SEPARATORS_BETWEEN_DIGITS = 4;

  private final PhoneNumberUtil phones;
  private final MetadataSource plans =
      DefaultMetadataDependenciesProvider.getInstance().getPhoneNumberMetadataSource();
  private final int withPlus;
  private final Map<String, Integer> withoutPlus = new ConcurrentHashMap<>();

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
    int needed = plus ? withPlus : withoutPlus.computeIfAbsent(region, this::fewestWithoutPlus);
    return longestRun(text) >= needed;
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

  private int fewestWithoutPlus(String region) {
    PhoneMetadata plan = plans.getMetadataForRegion(region);
    if (plan == null) {
      return withPlus;
    }
    int national = fewestNational(plan.getCountryCode());
    int international = shortestPrefix(plan.getInternationalPrefix()) + withPlus + 1;
    return Math.min(national, international) - 1;
  }

  /** The fewest digits of a national number valid in any region that shares {@code code}. */
  private int fewestNational(int code) {
    int fewest = Integer.MAX_VALUE;
    for (String region : phones.getRegionCodesForCountryCode(code)) {
      PhoneMetadata plan =
          PhoneNumberUtil.REGION_CODE_FOR_NON_GEO_ENTITY.equals(region)
              ? plans.getMetadataForNonGeographicalRegion(code)
              : plans.getMetadataForRegion(region);
      if (plan != null) {
        for (int length : plan.getGeneralDesc().getPossibleLengthList()) {
          fewest = Math.min(fewest, length);
        }
      }
    }
    return fewest;
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
}
