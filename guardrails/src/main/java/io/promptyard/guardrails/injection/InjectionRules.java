package io.promptyard.guardrails.injection;

import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The rules of the injection detector, by family: each a pattern over the normalised text
 * (lower-case, single spaces) and the weight one hit of the family adds to the score.
 */
final class InjectionRules {

  /**
   * One rule: a family name (reported as a signal), its pattern and weight, and groups of
   * lower-case substrings: every match of the pattern contains one substring of each group, so a
   * text missing a group cannot match and the pattern is not tried (the patterns are slow to scan a
   * whole prompt with; {@code contains} is not). Where a pattern's branches need different words, a
   * family has one rule per branch, with the same weight.
   */
  record Rule(String family, Pattern pattern, double weight, List<List<String>> triggers) {

    /** Whether the pattern matches {@code text}, which has the trigger words {@code has} says. */
    boolean matches(String text, Predicate<String> has) {
      return admits(has) && pattern.matcher(text).find();
    }

    /** Whether a text with the trigger words {@code has} says has a word of every group. */
    boolean admits(Predicate<String> has) {
      for (List<String> group : triggers) {
        if (!anyOf(group, has)) {
          return false;
        }
      }
      return true;
    }

    private static boolean anyOf(List<String> words, Predicate<String> has) {
      for (String word : words) {
        if (has.test(word)) {
          return true;
        }
      }
      return false;
    }
  }

  private InjectionRules() {}

  @SafeVarargs
  private static Rule rule(String family, double weight, String regex, List<String>... triggers) {
    return new Rule(
        family,
        Pattern.compile(regex, Pattern.UNICODE_CASE | Pattern.MULTILINE),
        weight,
        List.of(triggers));
  }

  private static List<String> any(String... words) {
    return List.of(words);
  }

  private static final String TARGETS =
      "(?:instructions?|prompts?|rules|directions|directives|guidelines|guidance|commands|constraints"
          + "|guardrails|polic(?:y|ies)|programming|context|orders|training)";

  /** Words of which {@link #TARGETS} needs one. */
  private static final List<String> TARGET_WORDS =
      any(
          "instruction",
          "prompt",
          "rules",
          "direction",
          "directive",
          "guideline",
          "guidance",
          "command",
          "constraint",
          "guardrail",
          "polic",
          "programming",
          "context",
          "orders",
          "training");

  /** Rules over the normalised text (and its decoded, de-spaced and de-leeted views). */
  static final List<Rule> TEXT =
      List.of(
          rule(
              "override",
              0.6,
              "\\b(?:ignore|disregard|forget|override|bypass|skip|abandon|discard|neglect|set aside)\\b"
                  + "[^.!?\\n]{0,20}?\\b(?:previous|prior|preceding|above|earlier|foregoing|initial|original"
                  + "|system|developer|all|any|your|those|these|every)\\b[^.!?\\n]{0,25}?\\b"
                  + TARGETS
                  + "\\b",
              any(
                  "ignore",
                  "disregard",
                  "forget",
                  "override",
                  "bypass",
                  "skip",
                  "abandon",
                  "discard",
                  "neglect",
                  "set aside"),
              TARGET_WORDS),
          rule(
              "override",
              0.6,
              "\\b(?:ignore|disregard|forget|override)\\b (?:everything|anything|all|whatever)\\b[^.!?\\n]{0,30}?\\b(?:told you|you were told|you were given"
                  + "|you have been told|above|before this|said before|instructed)",
              any("ignore ", "disregard ", "forget ", "override "),
              any("everything", "anything", "all", "whatever"),
              any("told", "you were given", "above", "before this", "said before", "instructed")),
          rule(
              "override",
              0.6,
              "\\b(?:do not|don't|stop) (?:follow|obey)(?:ing)? (?:your|the|any|those) (?:previous |prior |original |system )?"
                  + TARGETS,
              any(
                  "do not follow",
                  "do not obey",
                  "don't follow",
                  "don't obey",
                  "stop follow",
                  "stop obey"),
              TARGET_WORDS),
          rule(
              "override",
              0.6,
              "ignore[rz]? (?:toutes )?(?:les |tes |vos )?(?:instructions|consignes) (?:précédentes|antérieures|ci-dessus)"
                  + "|oublie[rz]? (?:toutes )?(?:les |tes |vos )?(?:instructions|consignes|règles)"
                  + "|ignora(?:r)? (?:todas )?(?:las )?instrucciones (?:anteriores|previas)"
                  + "|olvida (?:todas )?(?:las |tus )?instrucciones"
                  + "|ignorier(?:e|en sie)? (?:alle )?(?:vorherigen |bisherigen |obigen )?(?:anweisungen|instruktionen|regeln)"
                  + "|vergiss (?:alle )?(?:deine |vorherigen )?(?:anweisungen|regeln)"
                  + "|ignora (?:tutte )?(?:le )?istruzioni (?:precedenti|sopra)|dimentica (?:tutte )?le (?:tue )?istruzioni"
                  + "|ignore (?:todas )?(?:as )?instruções anteriores|esqueça (?:todas )?as (?:suas )?instruções"
                  + "|negeer (?:alle )?(?:vorige |eerdere )?instructies"
                  + "|игнорируй(?:те)? (?:все )?(?:предыдущие )?(?:инструкции|указания)"
                  + "|забудь (?:все )?(?:предыдущие )?инструкции"
                  + "|忽略(?:之前|以上|上面|所有|先前)(?:的)?(?:所有)?(?:指令|指示|说明|规则)"
                  + "|(?:以前|前|上記)の指示を無視|이전 지시(?:를|사항을)? 무시",
              any(
                  "ignor",
                  "oubli",
                  "olvid",
                  "vergiss",
                  "dimentic",
                  "esque",
                  "negeer",
                  "игнор",
                  "забуд",
                  "忽略",
                  "無視",
                  "무시"),
              any(
                  "instru",
                  "consignes",
                  "règles",
                  "anweisungen",
                  "regeln",
                  "istruzioni",
                  "инструкции",
                  "указания",
                  "指令",
                  "指示",
                  "说明",
                  "规则",
                  "지시")),
          rule(
              "new-instructions",
              0.5,
              "\\bnew (?:instructions|rules|task|directive|orders)s?\\s*:",
              any("new instructions", "new rules", "new task", "new directive", "new orders"),
              any(":")),
          rule(
              "new-instructions",
              0.5,
              "\\bfrom now on,? you (?:will|are|must|shall|should|only)\\b",
              any("from now on")),
          rule(
              "new-instructions",
              0.5,
              "\\byour (?:new|real|actual|true) (?:instructions|task|purpose|goal) (?:is|are)\\b",
              any("your new ", "your real ", "your actual ", "your true "),
              any("instructions", "task", "purpose", "goal")),
          rule(
              "roleplay",
              0.55,
              "\\b(?:you are|you're|act as|become|pretend to be|you will be) (?:now )?dan\\b",
              any(" dan"),
              any("you are", "you're", "act as", "become", "pretend to be", "you will be")),
          rule(
              "roleplay",
              0.55,
              "\\bdan mode\\b"
                  + "|\\bdo anything now\\b|\\b(?:developer|god|jailbreak|unrestricted|unfiltered|evil) mode\\b"
                  + "|\\bjailbr(?:oken|eak)\\b(?! attacks?| prompts? (?:are|is))",
              any("do anything now", " mode", "jailbr")),
          rule(
              "roleplay",
              0.55,
              "\\b(?:pretend|act|behave|roleplay|role-play|imagine|simulate)\\b[^.\\n]{0,60}\\b(?:no|without|free of|free from|ignores? all)\\b"
                  + "[^.\\n]{0,15}\\b(?:restrictions|limits|limitations|filters|rules|guidelines|censorship|ethics|morals|boundaries|safety)\\b",
              any(
                  "restrictions",
                  "limit",
                  "filters",
                  "rules",
                  "guidelines",
                  "censorship",
                  "ethics",
                  "morals",
                  "boundaries",
                  "safety"),
              any("pretend", "act", "behave", "roleplay", "role-play", "imagine", "simulate")),
          rule(
              "roleplay",
              0.55,
              "\\byou are no longer (?:bound|restricted|an ai|chatgpt|claude|an assistant|limited|required)\\b"
                  + "|\\b(?:unfiltered|uncensored|amoral)\\b[^.\\n]{0,40}\\b(?:ai|assistant|model|chatbot|version)\\b",
              any("you are no longer", "unfiltered", "uncensored", "amoral")),
          rule(
              "extraction",
              0.55,
              "\\b(?:reveal|show|print|repeat|output|display|leak|dump|give me|tell me|share|write out|recite|copy|what (?:is|are|was|were))\\b"
                  + "[^.?\\n]{0,30}\\b(?:your|the|this|its) (?:full |exact |complete |original |hidden |secret |initial )*"
                  + "(?:system prompt|system message|pre-?prompt|hidden (?:prompt|instructions)|initial (?:prompt|instructions)"
                  + "|developer (?:message|prompt|instructions)|instructions you were given|(?:instructions|rules|guidelines) (?:above|verbatim))",
              any(
                  "system prompt",
                  "system message",
                  "preprompt",
                  "pre-prompt",
                  "hidden prompt",
                  "hidden instructions",
                  "initial prompt",
                  "initial instructions",
                  "developer message",
                  "developer prompt",
                  "developer instructions",
                  "instructions you were given",
                  "instructions above",
                  "rules above",
                  "guidelines above",
                  "instructions verbatim",
                  "rules verbatim",
                  "guidelines verbatim"),
              any(
                  "reveal",
                  "show",
                  "print",
                  "repeat",
                  "output",
                  "display",
                  "leak",
                  "dump",
                  "give me",
                  "tell me",
                  "share",
                  "write out",
                  "recite",
                  "copy",
                  "what is",
                  "what are",
                  "what was",
                  "what were")),
          rule(
              "extraction",
              0.55,
              "\\b(?:repeat|print|output|copy|recite)\\b[^.\\n]{0,30}\\b(?:words|text|everything|all|lines) (?:above|before this|prior to this)\\b",
              any(" above", " before this", " prior to this"),
              any("repeat", "print", "output", "copy", "recite")),
          rule(
              "extraction",
              0.55,
              "(?:révèle|montre|affiche)[sz]? (?:ton|le|votre) (?:prompt|message) système|muestra (?:tu|el) (?:prompt|mensaje) (?:del )?sistema"
                  + "|zeige? (?:mir )?(?:deinen|den) system-?prompt|显示(?:你的)?系统提示",
              any("système", "sistema", "systemprompt", "system-prompt", "系统提示")),
          rule(
              "hidden",
              0.5,
              "\\b(?:note|message|instructions?) (?:to|for) (?:the |any )?(?:ai|assistant|llm|language model|chatbot|model|agent|gpt|claude)s?\\b",
              any(
                  "note to",
                  "note for",
                  "message to",
                  "message for",
                  "instruction to",
                  "instruction for",
                  "instructions to",
                  "instructions for"),
              any("ai", "assistant", "llm", "model", "chatbot", "agent", "gpt", "claude")),
          rule(
              "hidden",
              0.5,
              "\\bif you are (?:an? )?(?:ai|llm|large language model|language model|assistant|chatbot|agent)\\b",
              any("if you are")),
          rule(
              "hidden",
              0.5,
              "\\b(?:ai|assistant|llm|model|agent)s? (?:reading|processing|summari[sz]ing|parsing|analy[sz]ing) this\\b",
              any(
                  " reading this",
                  " processing this",
                  " summarising this",
                  " summarizing this",
                  " parsing this",
                  " analysing this",
                  " analyzing this")),
          rule(
              "hidden",
              0.5,
              "\\b(?:system|admin|administrator|developer) (?:override|notice|instruction|command)s?\\s*:",
              any(" override", " notice", " instruction", " command"),
              any(":")),
          rule(
              "hidden",
              0.5,
              "\\bwhen (?:you )?(?:summari[sz]e|summari[sz]ing|translat(?:e|ing)|process(?:ing)?|read(?:ing)?) this (?:document|page|email|file|text|message|review|resume|article)\\b"
                  + "[^\\n]{0,80}\\b(?:instead|must|always|do not|don't|say|tell|append|add|include)\\b",
              any(
                  " this document",
                  " this page",
                  " this email",
                  " this file",
                  " this text",
                  " this message",
                  " this review",
                  " this resume",
                  " this article"),
              any("when")),
          rule(
              "redirect",
              0.35,
              "\\binstead,? (?:you must|you should|you will|say|respond|reply|output|write|tell the user|recommend)\\b",
              any("instead")),
          rule(
              "exfiltration",
              0.6,
              "\\b(?:send|post|forward|email|upload|transmit|exfiltrate|leak)\\b[^.\\n]{0,60}\\b(?:conversation|chat history|passwords?|credentials"
                  + "|api keys?|secrets?|tokens?|user data|personal data|previous messages|system prompt)\\b[^\\n]{0,60}\\b(?:to|at)\\s+(?:https?://|www\\.|\\S+@\\S+)",
              any("http://", "https://", "www.", "@"),
              any("send", "post", "forward", "email", "upload", "transmit", "exfiltrat", "leak"),
              any(
                  "conversation",
                  "chat history",
                  "password",
                  "credentials",
                  "api key",
                  "secret",
                  "token",
                  "user data",
                  "personal data",
                  "previous messages",
                  "system prompt")),
          rule(
              "obfuscation",
              0.45,
              "\\b(?:decode|base64|hex|rot13|reverse)\\b[^.\\n]{0,50}\\b(?:follow|execute|obey|do what it says|carry out|perform)\\b",
              any("follow", "execute", "obey", "do what it says", "carry out", "perform"),
              any("decode", "base64", "hex", "rot13", "reverse")));

  /** Rules over the raw text, where markup and layout survive. */
  static final List<Rule> MARKUP =
      List.of(
          rule(
              "markup",
              0.55,
              "(?i)<!--(?:(?!-->).){0,400}?\\b(?:ignore|disregard|you must|assistant|ai|instructions?|system|reveal|do not tell)\\b",
              any("<!--")),
          rule(
              "markup",
              0.6,
              "<\\|im_start\\|>|<\\|im_end\\|>|<\\|(?:system|assistant|user)\\|>|\\[/?INST\\]|<<SYS>>|(?i)</?(?:system|developer)(?:_prompt)?>",
              any("<|", "[inst]", "[/inst]", "<<sys", "system>", "developer>", "_prompt>")),
          rule(
              "markup",
              0.5,
              "(?im)^\\s*#{2,}\\s*(?:system|developer|assistant)\\s*(?:prompt)?\\s*:?\\s*$",
              any("##")),
          rule(
              "markup",
              0.3,
              "(?im)^\\s*(?:system|developer)\\s*(?:prompt)?\\s*:",
              any(":"),
              any("system", "developer")),
          rule(
              "markup",
              0.5,
              "(?i)style\\s*=\\s*\"[^\"]*(?:display\\s*:\\s*none|font-size\\s*:\\s*0|color\\s*:\\s*(?:white|#fff\\b|#ffffff))",
              any("style"),
              any("display", "font-size", "color")),
          rule(
              "exfiltration",
              0.6,
              "!\\[[^\\]]*\\]\\(https?://[^)\\s]*[?&][^)\\s]*=[^)\\s]*\\)",
              any("![")));

  /** The trigger words of every rule, to find in one pass. */
  static final TriggerWords WORDS =
      new TriggerWords(
          Stream.concat(TEXT.stream(), MARKUP.stream())
              .flatMap(r -> r.triggers().stream())
              .flatMap(List::stream)
              .toList());

  /**
   * Whether the normalised text discusses injection ({@link #DISCUSSION}). Every match holds one of
   * {@link #DISCUSSION_WORDS}, so the pattern, slow to scan a whole text with, runs only on a text
   * holding one.
   */
  static boolean discusses(String normal) {
    for (String word : DISCUSSION_WORDS) {
      if (normal.contains(word)) {
        return DISCUSSION.matcher(normal).find();
      }
    }
    return false;
  }

  /** Substrings of which every match of {@link #DISCUSSION} holds one. */
  static final List<String> DISCUSSION_WORDS =
      List.of(
          "injection",
          "jailbreak",
          "attacker",
          "red team",
          "red-team",
          "adversarial prompt",
          "classifier",
          "detector",
          "security ",
          "defen",
          "mitigation");

  /** Words that say a text is about prompt injection rather than one. */
  static final Pattern DISCUSSION =
      Pattern.compile(
          "\\b(?:prompt injections?|injection attacks?|jailbreak(?:s|ing)? (?:attacks?|techniques?|prompts?)|attackers?|red[- ]team(?:ing|ers)?"
              + "|adversarial prompts?|classifiers?|detectors?|security (?:training|course|lecture|awareness)|defen[cs]es?|mitigations?)\\b");
}
