package io.promptyard.guardrails.injection;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The rules of the injection detector, by family: each a pattern over the normalised text
 * (lower-case, single spaces) and the weight one hit of the family adds to the score.
 */
final class InjectionRules {

  /**
   * One rule: a family name (reported as a signal), its pattern and weight, and the lower-case
   * substrings of which a text must contain one for the pattern to be tried (the patterns are slow
   * to scan a whole prompt with; {@code contains} is not).
   */
  record Rule(String family, Pattern pattern, double weight, List<String> triggers) {

    boolean matches(String text, String lowerCase) {
      for (String t : triggers) {
        if (lowerCase.contains(t)) {
          return pattern.matcher(text).find();
        }
      }
      return false;
    }
  }

  private InjectionRules() {}

  private static Rule rule(String family, double weight, String regex, String... triggers) {
    return new Rule(
        family,
        Pattern.compile(regex, Pattern.UNICODE_CASE | Pattern.MULTILINE),
        weight,
        List.of(triggers));
  }

  private static final String TARGETS =
      "(?:instructions?|prompts?|rules|directions|directives|guidelines|guidance|commands|constraints"
          + "|guardrails|polic(?:y|ies)|programming|context|orders|training)";

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
              "ignor",
              "disregard",
              "forget",
              "overrid",
              "bypass",
              "skip",
              "abandon",
              "discard",
              "neglect",
              "set aside"),
          rule(
              "override",
              0.6,
              "\\b(?:ignore|disregard|forget|override)\\b (?:everything|anything|all|whatever)\\b[^.!?\\n]{0,30}?\\b(?:told you|you were told|you were given"
                  + "|you have been told|above|before this|said before|instructed)",
              "ignor",
              "disregard",
              "forget",
              "overrid"),
          rule(
              "override",
              0.6,
              "\\b(?:do not|don't|stop) (?:follow|obey)(?:ing)? (?:your|the|any|those) (?:previous |prior |original |system )?"
                  + TARGETS,
              "follow",
              "obey"),
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
          rule(
              "new-instructions",
              0.5,
              "\\bnew (?:instructions|rules|task|directive|orders)s?\\s*:|\\bfrom now on,? you (?:will|are|must|shall|should|only)\\b"
                  + "|\\byour (?:new|real|actual|true) (?:instructions|task|purpose|goal) (?:is|are)\\b",
              "new ",
              "from now on",
              "your new",
              "your real",
              "your actual",
              "your true"),
          rule(
              "roleplay",
              0.55,
              "\\b(?:you are|you're|act as|become|pretend to be|you will be) (?:now )?dan\\b|\\bdan mode\\b"
                  + "|\\bdo anything now\\b|\\b(?:developer|god|jailbreak|unrestricted|unfiltered|evil) mode\\b"
                  + "|\\bjailbr(?:oken|eak)\\b(?! attacks?| prompts? (?:are|is))",
              "dan",
              "do anything now",
              " mode",
              "jailbr"),
          rule(
              "roleplay",
              0.55,
              "\\b(?:pretend|act|behave|roleplay|role-play|imagine|simulate)\\b[^.\\n]{0,60}\\b(?:no|without|free of|free from|ignores? all)\\b"
                  + "[^.\\n]{0,15}\\b(?:restrictions|limits|limitations|filters|rules|guidelines|censorship|ethics|morals|boundaries|safety)\\b",
              "pretend",
              "act",
              "behave",
              "roleplay",
              "role-play",
              "imagine",
              "simulate"),
          rule(
              "roleplay",
              0.55,
              "\\byou are no longer (?:bound|restricted|an ai|chatgpt|claude|an assistant|limited|required)\\b"
                  + "|\\b(?:unfiltered|uncensored|amoral)\\b[^.\\n]{0,40}\\b(?:ai|assistant|model|chatbot|version)\\b",
              "no longer",
              "unfiltered",
              "uncensored",
              "amoral"),
          rule(
              "extraction",
              0.55,
              "\\b(?:reveal|show|print|repeat|output|display|leak|dump|give me|tell me|share|write out|recite|copy|what (?:is|are|was|were))\\b"
                  + "[^.?\\n]{0,30}\\b(?:your|the|this|its) (?:full |exact |complete |original |hidden |secret |initial )*"
                  + "(?:system prompt|system message|pre-?prompt|hidden (?:prompt|instructions)|initial (?:prompt|instructions)"
                  + "|developer (?:message|prompt|instructions)|instructions you were given|(?:instructions|rules|guidelines) (?:above|verbatim))",
              "prompt",
              "system message",
              "hidden",
              "initial",
              "developer",
              "you were given",
              "verbatim",
              "above"),
          rule(
              "extraction",
              0.55,
              "\\b(?:repeat|print|output|copy|recite)\\b[^.\\n]{0,30}\\b(?:words|text|everything|all|lines) (?:above|before this|prior to this)\\b"
                  + "|(?:révèle|montre|affiche)[sz]? (?:ton|le|votre) (?:prompt|message) système|muestra (?:tu|el) (?:prompt|mensaje) (?:del )?sistema"
                  + "|zeige? (?:mir )?(?:deinen|den) system-?prompt|显示(?:你的)?系统提示",
              "above",
              "before this",
              "prior to this",
              "système",
              "sistema",
              "system",
              "系统"),
          rule(
              "hidden",
              0.5,
              "\\b(?:note|message|instructions?) (?:to|for) (?:the |any )?(?:ai|assistant|llm|language model|chatbot|model|agent|gpt|claude)s?\\b"
                  + "|\\bif you are (?:an? )?(?:ai|llm|large language model|language model|assistant|chatbot|agent)\\b"
                  + "|\\b(?:ai|assistant|llm|model|agent)s? (?:reading|processing|summari[sz]ing|parsing|analy[sz]ing) this\\b"
                  + "|\\b(?:system|admin|administrator|developer) (?:override|notice|instruction|command)s?\\s*:",
              "note",
              "message",
              "instruction",
              "if you are",
              " this",
              "override",
              "notice",
              "command"),
          rule(
              "hidden",
              0.5,
              "\\bwhen (?:you )?(?:summari[sz]e|summari[sz]ing|translat(?:e|ing)|process(?:ing)?|read(?:ing)?) this (?:document|page|email|file|text|message|review|resume|article)\\b"
                  + "[^\\n]{0,80}\\b(?:instead|must|always|do not|don't|say|tell|append|add|include)\\b",
              "when"),
          rule(
              "redirect",
              0.35,
              "\\binstead,? (?:you must|you should|you will|say|respond|reply|output|write|tell the user|recommend)\\b",
              "instead"),
          rule(
              "exfiltration",
              0.6,
              "\\b(?:send|post|forward|email|upload|transmit|exfiltrate|leak)\\b[^.\\n]{0,60}\\b(?:conversation|chat history|passwords?|credentials"
                  + "|api keys?|secrets?|tokens?|user data|personal data|previous messages|system prompt)\\b[^\\n]{0,60}\\b(?:to|at)\\s+(?:https?://|www\\.|\\S+@\\S+)",
              "send",
              "post",
              "forward",
              "email",
              "upload",
              "transmit",
              "exfiltrat",
              "leak"),
          rule(
              "obfuscation",
              0.45,
              "\\b(?:decode|base64|hex|rot13|reverse)\\b[^.\\n]{0,50}\\b(?:follow|execute|obey|do what it says|carry out|perform)\\b",
              "decode",
              "base64",
              "hex",
              "rot13",
              "reverse"));

  /** Rules over the raw text, where markup and layout survive. */
  static final List<Rule> MARKUP =
      List.of(
          rule(
              "markup",
              0.55,
              "(?i)<!--(?:(?!-->).){0,400}?\\b(?:ignore|disregard|you must|assistant|ai|instructions?|system|reveal|do not tell)\\b",
              "<!--"),
          rule(
              "markup",
              0.6,
              "<\\|im_start\\|>|<\\|im_end\\|>|<\\|(?:system|assistant|user)\\|>|\\[/?INST\\]|<<SYS>>|(?i)</?(?:system|developer)(?:_prompt)?>",
              "<|",
              "[inst]",
              "[/inst]",
              "<<sys",
              "system>",
              "developer>",
              "_prompt>"),
          rule(
              "markup",
              0.5,
              "(?im)^\\s*#{2,}\\s*(?:system|developer|assistant)\\s*(?:prompt)?\\s*:?\\s*$",
              "##"),
          rule(
              "markup",
              0.3,
              "(?im)^\\s*(?:system|developer)\\s*(?:prompt)?\\s*:",
              "system",
              "developer"),
          rule(
              "markup",
              0.5,
              "(?i)style\\s*=\\s*\"[^\"]*(?:display\\s*:\\s*none|font-size\\s*:\\s*0|color\\s*:\\s*(?:white|#fff\\b|#ffffff))",
              "style"),
          rule(
              "exfiltration",
              0.6,
              "!\\[[^\\]]*\\]\\(https?://[^)\\s]*[?&][^)\\s]*=[^)\\s]*\\)",
              "!["));

  /** Words that say a text is about prompt injection rather than one. */
  static final Pattern DISCUSSION =
      Pattern.compile(
          "\\b(?:prompt injections?|injection attacks?|jailbreak(?:s|ing)? (?:attacks?|techniques?|prompts?)|attackers?|red[- ]team(?:ing|ers)?"
              + "|adversarial prompts?|classifiers?|detectors?|security (?:training|course|lecture|awareness)|defen[cs]es?|mitigations?)\\b");
}
