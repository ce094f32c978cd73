package io.promptyard.semanticcache;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The word lists behind {@link PromptFeatures}: number words, negation cues, units, comparatives,
 * opposites and the small function-word sets that tell languages apart. English first; the other
 * languages' words are there to tell a prompt's language, not to read it.
 */
final class NearMissLexicon {

  private NearMissLexicon() {}

  static final Map<String, Long> SMALL_NUMBERS =
      Map.ofEntries(
          Map.entry("zero", 0L),
          Map.entry("one", 1L),
          Map.entry("two", 2L),
          Map.entry("three", 3L),
          Map.entry("four", 4L),
          Map.entry("five", 5L),
          Map.entry("six", 6L),
          Map.entry("seven", 7L),
          Map.entry("eight", 8L),
          Map.entry("nine", 9L),
          Map.entry("ten", 10L),
          Map.entry("eleven", 11L),
          Map.entry("twelve", 12L),
          Map.entry("thirteen", 13L),
          Map.entry("fourteen", 14L),
          Map.entry("fifteen", 15L),
          Map.entry("sixteen", 16L),
          Map.entry("seventeen", 17L),
          Map.entry("eighteen", 18L),
          Map.entry("nineteen", 19L),
          Map.entry("twenty", 20L),
          Map.entry("thirty", 30L),
          Map.entry("forty", 40L),
          Map.entry("fifty", 50L),
          Map.entry("sixty", 60L),
          Map.entry("seventy", 70L),
          Map.entry("eighty", 80L),
          Map.entry("ninety", 90L),
          Map.entry("dozen", 12L),
          Map.entry("twice", 2L),
          Map.entry("double", 2L),
          Map.entry("thrice", 3L),
          Map.entry("triple", 3L));

  static final Map<String, Long> SCALES =
      Map.of(
          "hundred", 100L,
          "thousand", 1_000L,
          "million", 1_000_000L,
          "billion", 1_000_000_000L,
          "trillion", 1_000_000_000_000L);

  /** The ordinal words up to the twelfth, in order: each stands for its place in the list. */
  private static final List<String> FIRST_TO_TWELFTH =
      List.of(
          "first",
          "second",
          "third",
          "fourth",
          "fifth",
          "sixth",
          "seventh",
          "eighth",
          "ninth",
          "tenth",
          "eleventh",
          "twelfth");

  /**
   * Ordinal and fraction words, mapped to the number they stand for: {@code ord:N} for the N-th
   * ("third" is read as the ordinal, in "a third" too).
   */
  static final Map<String, String> ORDINALS_AND_FRACTIONS =
      ordinalsAnd(
          Map.of(
              "twentieth", "ord:20",
              "hundredth", "ord:100",
              "half", "0.5",
              "halves", "0.5",
              "quarter", "0.25",
              "quarters", "0.25"));

  /** Words before "one" that make it a pronoun ("which one"), not the number 1. */
  static final Set<String> ONE_AS_PRONOUN =
      Set.of(
          "which", "this", "that", "the", "each", "any", "every", "some", "another", "no", "no-");

  static final Set<String> NEGATIONS =
      words(
          "not", "no", "never", "none", "nobody", "nothing", "nowhere", "neither", "nor", "without",
          "cannot", "ne", "pas", "nicht", "kein", "keine", "nunca", "nada");

  private static final List<List<String>> UNIT_SYNONYMS =
      List.of(
          List.of("km", "kilometer", "kilometers", "kilometre", "kilometres", "kms"),
          List.of("mile", "miles", "mi"),
          List.of("meter", "meters", "metre", "metres"),
          List.of("cm", "centimeter", "centimeters", "centimetre", "centimetres"),
          List.of("mm", "millimeter", "millimeters", "millimetre", "millimetres"),
          List.of("inch", "inches"),
          List.of("foot", "feet", "ft"),
          List.of("yard", "yards", "yd"),
          List.of("kg", "kilogram", "kilograms", "kilo", "kilos", "kgs"),
          List.of("gram", "grams"),
          List.of("mg", "milligram", "milligrams"),
          List.of("pound", "pounds", "lb", "lbs"),
          List.of("ounce", "ounces", "oz"),
          List.of("ton", "tons", "tonne", "tonnes"),
          List.of("stone", "stones"),
          List.of("liter", "liters", "litre", "litres"),
          List.of("ml", "milliliter", "milliliters", "millilitre", "millilitres"),
          List.of("gallon", "gallons", "gal"),
          List.of("quart", "quarts"),
          List.of("pint", "pints"),
          List.of("cup", "cups"),
          List.of("tablespoon", "tablespoons", "tbsp"),
          List.of("teaspoon", "teaspoons", "tsp"),
          List.of("celsius", "centigrade", "°c"),
          List.of("fahrenheit", "°f"),
          List.of("kelvin"),
          List.of("second", "seconds", "sec", "secs"),
          List.of("minute", "minutes", "min", "mins"),
          List.of("hour", "hours", "hr", "hrs"),
          List.of("day", "days"),
          List.of("week", "weeks"),
          List.of("month", "months"),
          List.of("year", "years", "yr", "yrs"),
          List.of("ms", "millisecond", "milliseconds"),
          List.of("mph"),
          List.of("kph", "km/h"),
          List.of("knot", "knots"),
          List.of("acre", "acres"),
          List.of("hectare", "hectares"),
          List.of("calorie", "calories", "kcal"),
          List.of("joule", "joules"),
          List.of("kwh"),
          List.of("watt", "watts"),
          List.of("kw", "kilowatt", "kilowatts"),
          List.of("volt", "volts"),
          List.of("amp", "amps", "ampere", "amperes"),
          List.of("byte", "bytes"),
          List.of("bit", "bits"),
          List.of("kb", "kilobyte", "kilobytes"),
          List.of("mb", "megabyte", "megabytes"),
          List.of("gb", "gigabyte", "gigabytes"),
          List.of("tb", "terabyte", "terabytes"),
          List.of("percent", "%", "percentage"),
          List.of("dollar", "dollars", "$", "usd"),
          List.of("euro", "euros", "€", "eur"),
          List.of("£", "gbp", "sterling"),
          List.of("yen", "¥", "jpy"),
          List.of("rupee", "rupees", "inr"),
          List.of("peso", "pesos"),
          List.of("degree", "degrees", "°"));

  /** Unit words, each mapped to its first spelling in its group. */
  static final Map<String, String> UNITS = canonical(UNIT_SYNONYMS);

  /** Single letters that are units only right after a number ("5 m", "200 g"). */
  static final Map<String, String> UNITS_AFTER_NUMBER =
      Map.of("m", "meter", "g", "gram", "l", "liter", "s", "second", "h", "hour", "k", "thousand");

  /** Adjectives whose -er / -est forms are comparatives and superlatives. */
  static final Set<String> GRADABLE =
      words(
          "big", "small", "large", "high", "low", "fast", "slow", "cheap", "old", "young", "long",
          "short", "tall", "hot", "cold", "warm", "cool", "heavy", "light", "strong", "weak",
          "rich", "poor", "easy", "hard", "safe", "deep", "wide", "narrow", "close", "near",
          "early", "late", "great", "new", "quick", "smart", "simple", "busy", "happy", "healthy",
          "dense", "loud", "quiet", "bright", "dark", "thin", "thick", "tiny", "huge", "fat",
          "slim", "wealthy", "pricey", "costly", "tough", "calm", "clean", "dirty", "dry", "wet",
          "sweet", "spicy", "sharp", "soft", "fresh", "lucky", "funny", "pretty", "ugly", "wise",
          "brave", "rare", "common", "steep", "flat", "lean", "fine", "mild", "harsh", "cute",
          "sunny", "windy", "rainy", "noisy", "tasty", "crazy", "scary", "nice", "bad", "good",
          "far", "few");

  private static final Map<String, String[]> IRREGULAR =
      Map.of(
          "better", new String[] {"good", "er"},
          "best", new String[] {"good", "est"},
          "worse", new String[] {"bad", "er"},
          "worst", new String[] {"bad", "est"},
          "farther", new String[] {"far", "er"},
          "farthest", new String[] {"far", "est"},
          "further", new String[] {"far", "er"},
          "furthest", new String[] {"far", "est"});

  /** Comparative and superlative words mapped to {@code stem:er} or {@code stem:est}. */
  static final Map<String, String> DEGREES = degrees();

  /** Pairs of words that flip a question's answer when one stands for the other. */
  private static final List<String[]> OPPOSITE_PAIRS =
      List.of(
          new String[] {"hot", "cold"},
          new String[] {"warm", "cold"},
          new String[] {"fast", "slow"},
          new String[] {"cheap", "expensive"},
          new String[] {"big", "small"},
          new String[] {"large", "small"},
          new String[] {"high", "low"},
          new String[] {"old", "new"},
          new String[] {"old", "young"},
          new String[] {"long", "short"},
          new String[] {"heavy", "light"},
          new String[] {"strong", "weak"},
          new String[] {"rich", "poor"},
          new String[] {"easy", "hard"},
          new String[] {"easy", "difficult"},
          new String[] {"safe", "dangerous"},
          new String[] {"safe", "unsafe"},
          new String[] {"good", "bad"},
          new String[] {"advantage", "disadvantage"},
          new String[] {"pro", "con"},
          new String[] {"benefit", "drawback"},
          new String[] {"benefit", "risk"},
          new String[] {"strength", "weakness"},
          new String[] {"buy", "sell"},
          new String[] {"buying", "selling"},
          new String[] {"before", "after"},
          new String[] {"increase", "decrease"},
          new String[] {"increase", "reduce"},
          new String[] {"raise", "lower"},
          new String[] {"up", "down"},
          new String[] {"upward", "downward"},
          new String[] {"above", "below"},
          new String[] {"inside", "outside"},
          new String[] {"add", "remove"},
          new String[] {"add", "subtract"},
          new String[] {"add", "delete"},
          new String[] {"create", "delete"},
          new String[] {"insert", "delete"},
          new String[] {"enable", "disable"},
          new String[] {"encrypt", "decrypt"},
          new String[] {"encode", "decode"},
          new String[] {"compress", "decompress"},
          new String[] {"serialize", "deserialize"},
          new String[] {"import", "export"},
          new String[] {"upload", "download"},
          new String[] {"open", "close"},
          new String[] {"start", "stop"},
          new String[] {"start", "end"},
          new String[] {"begin", "end"},
          new String[] {"true", "false"},
          new String[] {"win", "lose"},
          new String[] {"push", "pull"},
          new String[] {"input", "output"},
          new String[] {"min", "max"},
          new String[] {"minimum", "maximum"},
          new String[] {"first", "last"},
          new String[] {"north", "south"},
          new String[] {"east", "west"},
          new String[] {"left", "right"},
          new String[] {"male", "female"},
          new String[] {"men", "women"},
          new String[] {"boy", "girl"},
          new String[] {"day", "night"},
          new String[] {"summer", "winter"},
          new String[] {"spring", "autumn"},
          new String[] {"positive", "negative"},
          new String[] {"agree", "disagree"},
          new String[] {"like", "dislike"},
          new String[] {"love", "hate"},
          new String[] {"accept", "reject"},
          new String[] {"allow", "deny"},
          new String[] {"allow", "block"},
          new String[] {"include", "exclude"},
          new String[] {"always", "never"},
          new String[] {"legal", "illegal"},
          new String[] {"possible", "impossible"},
          new String[] {"happy", "sad"},
          new String[] {"wet", "dry"},
          new String[] {"light", "dark"},
          new String[] {"early", "late"},
          new String[] {"wide", "narrow"},
          new String[] {"thick", "thin"},
          new String[] {"deep", "shallow"},
          new String[] {"husband", "wife"},
          new String[] {"parent", "child"},
          new String[] {"student", "teacher"},
          new String[] {"client", "server"},
          new String[] {"sender", "receiver"},
          new String[] {"lend", "borrow"},
          new String[] {"send", "receive"},
          new String[] {"debit", "credit"},
          new String[] {"profit", "loss"},
          new String[] {"asset", "liability"},
          new String[] {"ascending", "descending"},
          new String[] {"increasing", "decreasing"},
          new String[] {"uppercase", "lowercase"},
          new String[] {"synonym", "antonym"},
          new String[] {"plural", "singular"},
          new String[] {"past", "future"},
          new String[] {"vertical", "horizontal"},
          new String[] {"internal", "external"},
          new String[] {"public", "private"},
          new String[] {"sync", "async"},
          new String[] {"synchronous", "asynchronous"},
          new String[] {"mutable", "immutable"},
          new String[] {"static", "dynamic"},
          new String[] {"odd", "even"},
          new String[] {"arrive", "depart"},
          new String[] {"arrival", "departure"},
          new String[] {"entrance", "exit"},
          new String[] {"win", "loss"},
          new String[] {"acid", "base"},
          new String[] {"cause", "cure"},
          new String[] {"prevent", "cause"},
          new String[] {"prevent", "treat"},
          new String[] {"rise", "fall"},
          new String[] {"sunrise", "sunset"},
          new String[] {"introvert", "extrovert"},
          new String[] {"plus", "minus"},
          new String[] {"multiply", "divide"},
          new String[] {"maximize", "minimize"},
          new String[] {"overestimate", "underestimate"},
          new String[] {"include", "omit"},
          new String[] {"expensive", "affordable"},
          new String[] {"legal", "unlawful"},
          new String[] {"healthy", "unhealthy"},
          new String[] {"herbivore", "carnivore"},
          new String[] {"vegetarian", "carnivore"},
          new String[] {"wake", "sleep"},
          new String[] {"gain", "lose"},
          new String[] {"earn", "spend"},
          new String[] {"save", "spend"},
          new String[] {"attack", "defend"},
          new String[] {"offense", "defense"},
          new String[] {"fresh", "frozen"},
          new String[] {"raw", "cooked"},
          new String[] {"freeze", "thaw"},
          new String[] {"freezing", "boiling"},
          new String[] {"morning", "evening"},
          new String[] {"am", "pm"},
          new String[] {"upgrade", "downgrade"},
          new String[] {"upstream", "downstream"},
          new String[] {"upside", "downside"},
          new String[] {"inbound", "outbound"},
          new String[] {"incoming", "outgoing"},
          new String[] {"ingress", "egress"},
          new String[] {"inflow", "outflow"},
          new String[] {"inhale", "exhale"},
          new String[] {"install", "uninstall"},
          new String[] {"lock", "unlock"},
          new String[] {"mount", "unmount"},
          new String[] {"subscribe", "unsubscribe"},
          new String[] {"follow", "unfollow"},
          new String[] {"pack", "unpack"},
          new String[] {"zip", "unzip"},
          new String[] {"block", "unblock"},
          new String[] {"hide", "unhide"},
          new String[] {"hide", "show"},
          new String[] {"mute", "unmute"},
          new String[] {"pause", "resume"},
          new String[] {"connect", "disconnect"},
          new String[] {"appear", "disappear"},
          new String[] {"approve", "disapprove"},
          new String[] {"like", "unlike"},
          new String[] {"likely", "unlikely"});

  /** Each opposite word mapped to the words that oppose it. */
  static final Map<String, Set<String>> OPPOSITES = opposites();

  /** Words that start many prompts with a capital letter without being names. */
  static final Set<String> COMMON_CAPITALISED =
      words(
          "what",
          "whats",
          "what's",
          "how",
          "hows",
          "how's",
          "why",
          "when",
          "where",
          "who",
          "whom",
          "whose",
          "which",
          "is",
          "are",
          "was",
          "were",
          "do",
          "does",
          "did",
          "can",
          "could",
          "should",
          "would",
          "will",
          "shall",
          "may",
          "might",
          "must",
          "have",
          "has",
          "had",
          "please",
          "tell",
          "explain",
          "describe",
          "give",
          "list",
          "name",
          "show",
          "write",
          "help",
          "i",
          "i'm",
          "im",
          "i'd",
          "i've",
          "my",
          "me",
          "we",
          "our",
          "you",
          "your",
          "it",
          "its",
          "it's",
          "the",
          "a",
          "an",
          "in",
          "on",
          "at",
          "for",
          "from",
          "to",
          "of",
          "by",
          "with",
          "about",
          "if",
          "and",
          "or",
          "but",
          "so",
          "any",
          "some",
          "all",
          "each",
          "every",
          "this",
          "that",
          "these",
          "those",
          "there",
          "here",
          "summarize",
          "summarise",
          "translate",
          "convert",
          "compare",
          "calculate",
          "compute",
          "find",
          "define",
          "suggest",
          "recommend",
          "create",
          "make",
          "generate",
          "give",
          "provide",
          "outline",
          "draft",
          "rewrite",
          "fix",
          "check",
          "could",
          "quick",
          "hey",
          "hi",
          "hello",
          "ok",
          "okay",
          "also",
          "now",
          "then",
          "yes",
          "no",
          "not",
          "need",
          "want",
          "looking",
          "wondering",
          "just",
          "one",
          "two",
          "three",
          "in",
          "roughly",
          "approximately",
          "about",
          "briefly",
          "simply",
          "whats",
          "which's",
          "between",
          "difference",
          "best",
          "top",
          "good",
          "ways",
          "way",
          "steps",
          "tips",
          "is't",
          "isn't",
          "aren't",
          "don't",
          "doesn't",
          "didn't",
          "can't",
          "won't",
          "let",
          "let's",
          "lets",
          "kindly",
          "quickly",
          "say",
          "recipe",
          "meaning",
          "definition",
          "capital",
          "population",
          "distance",
          "height",
          "age",
          "price",
          "cost");

  /** A few very common words per language, to tell a prompt's language. */
  static final Map<String, Set<String>> FUNCTION_WORDS =
      Map.of(
          "en",
          Set.of(
              "the", "is", "are", "what", "how", "of", "and", "to", "a", "an", "do", "does", "i",
              "you", "my", "can", "why", "which", "who", "for", "with", "it", "this", "that", "was",
              "should", "when", "where", "from", "much", "many", "there"),
          "fr",
          Set.of(
              "le",
              "les",
              "est",
              "quel",
              "quelle",
              "quels",
              "comment",
              "du",
              "des",
              "et",
              "une",
              "je",
              "vous",
              "pourquoi",
              "qui",
              "avec",
              "pour",
              "dans",
              "ce",
              "cette",
              "sont",
              "où",
              "combien",
              "au",
              "aux",
              "mon",
              "ma",
              "faut-il",
              "est-ce",
              "qu'est-ce"),
          "de",
          Set.of(
              "der", "die", "das", "ist", "wie", "was", "und", "ein", "eine", "ich", "warum", "wer",
              "mit", "für", "nicht", "mein", "zu", "den", "dem", "von", "sind", "welche", "welcher",
              "wo", "viel", "viele", "kann", "man"),
          "es",
          Set.of(
              "el", "los", "las", "es", "qué", "cómo", "y", "una", "por", "para", "con", "cuál",
              "cuáles", "dónde", "está", "son", "mi", "cuánto", "cuántos", "puedo", "hay", "del",
              "se", "lo"),
          "it",
          Set.of(
              "il", "gli", "è", "che", "come", "di", "una", "per", "con", "quale", "dove", "sono",
              "mio", "perché", "quanto", "quanti", "posso", "della", "delle", "nel", "cosa"),
          "pt",
          Set.of(
              "os", "é", "que", "como", "um", "uma", "para", "com", "qual", "onde", "são", "meu",
              "não", "quanto", "quantos", "posso", "do", "da", "das", "dos", "o", "em", "se"),
          "nl",
          Set.of(
              "het", "een", "is", "wat", "hoe", "en", "van", "ik", "je", "waarom", "wie", "met",
              "voor", "niet", "zijn", "welke", "waar", "hoeveel", "kan", "mijn"));

  /** A set of words that may repeat (these lists are easier to keep without checking). */
  private static Set<String> words(String... words) {
    return Set.copyOf(List.of(words));
  }

  /** {@code others} and the words of {@link #FIRST_TO_TWELFTH}, each mapped to its rank. */
  private static Map<String, String> ordinalsAnd(Map<String, String> others) {
    Map<String, String> out = new HashMap<>(others);
    for (int i = 0; i < FIRST_TO_TWELFTH.size(); i++) {
      out.put(FIRST_TO_TWELFTH.get(i), "ord:" + (i + 1));
    }
    return Map.copyOf(out);
  }

  private static Map<String, String> canonical(List<List<String>> groups) {
    Map<String, String> out = new HashMap<>();
    for (List<String> group : groups) {
      for (String word : group) {
        out.put(word, group.get(0));
      }
    }
    return Map.copyOf(out);
  }

  private static Map<String, String> degrees() {
    Map<String, String> out = new HashMap<>();
    for (String base : GRADABLE) {
      String stem = base.endsWith("y") ? base.substring(0, base.length() - 1) + "i" : base;
      String doubled = base + base.charAt(base.length() - 1);
      for (String degree : List.of("er", "est")) {
        String ending = base.endsWith("e") ? degree.substring(1) : degree;
        out.put(stem + ending, base + ":" + degree);
        out.put(doubled + degree, base + ":" + degree);
      }
    }
    IRREGULAR.forEach((word, form) -> out.put(word, form[0] + ":" + form[1]));
    out.put("more", "much:er");
    out.put("most", "much:est");
    out.put("less", "little:er");
    out.put("least", "little:est");
    out.put("fewer", "few:er");
    out.put("fewest", "few:est");
    out.put("maximum", "high:est");
    out.put("minimum", "low:est");
    return Map.copyOf(out);
  }

  private static Map<String, Set<String>> opposites() {
    Map<String, Set<String>> out = new HashMap<>();
    for (String[] pair : OPPOSITE_PAIRS) {
      out.computeIfAbsent(pair[0], k -> new java.util.HashSet<>()).add(pair[1]);
      out.computeIfAbsent(pair[1], k -> new java.util.HashSet<>()).add(pair[0]);
    }
    Map<String, Set<String>> frozen = new HashMap<>();
    out.forEach((k, v) -> frozen.put(k, Set.copyOf(v)));
    return Map.copyOf(frozen);
  }
}
