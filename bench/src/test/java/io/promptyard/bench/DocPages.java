package io.promptyard.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The repository's Markdown pages (README.md and docs/*.md), read from the cli module's directory,
 * and their parts.
 */
final class DocPages {

  /** The repository's root, seen from the module directory the tests run in. */
  static final Path ROOT = Path.of("..");

  static final Path README = ROOT.resolve("README.md");
  static final Path DOCS = ROOT.resolve("docs");

  private static final Pattern FENCE = Pattern.compile("^\\s*```");
  private static final Pattern INLINE_CODE = Pattern.compile("`([^`\n]+)`");
  private static final Pattern HEADING = Pattern.compile("^(#{1,6}) +(.+?) *$");
  private static final Pattern TABLE_DELIMITER = Pattern.compile("^\\|[-:| ]+\\|\\s*$");

  private DocPages() {}

  /** README.md and every page under docs/. */
  static List<Path> all() {
    List<Path> pages = new ArrayList<>(List.of(README));
    try (Stream<Path> docs = Files.list(DOCS)) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return pages;
  }

  static String read(Path page) {
    try {
      return Files.readString(page);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The page's prose: its text without fenced code blocks and without inline code spans. */
  static String prose(String markdown) {
    StringBuilder out = new StringBuilder();
    boolean inFence = false;
    for (String line : markdown.split("\n", -1)) {
      if (FENCE.matcher(line).find()) {
        inFence = !inFence;
      } else if (!inFence) {
        out.append(INLINE_CODE.matcher(line).replaceAll("")).append('\n');
      }
    }
    return out.toString();
  }

  /**
   * The page's code: each line of its fenced blocks (a line ending in a backslash joined to the
   * next, as a shell reads it) and each inline code span.
   */
  static List<String> code(String markdown) {
    List<String> code = new ArrayList<>();
    boolean inFence = false;
    StringBuilder continued = new StringBuilder();
    for (String line : markdown.split("\n", -1)) {
      if (FENCE.matcher(line).find()) {
        inFence = !inFence;
      } else if (inFence) {
        if (line.endsWith("\\")) {
          continued.append(line, 0, line.length() - 1).append(' ');
        } else {
          code.add(continued + line);
          continued.setLength(0);
        }
      } else {
        Matcher span = INLINE_CODE.matcher(line);
        while (span.find()) {
          code.add(span.group(1));
        }
      }
    }
    return code;
  }

  /** A heading of a page: its level (1 for {@code #}), its text, and the line it is on. */
  record Heading(int level, String text, int line) {

    /** The text without Markdown's inline code marks. */
    String plainText() {
      return text.replace("`", "");
    }

    /** The anchor GitHub gives the heading: lower case, punctuation dropped, spaces as hyphens. */
    String anchor() {
      return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }
  }

  /** The page's headings, in order, outside code blocks. */
  static List<Heading> headings(String markdown) {
    List<Heading> headings = new ArrayList<>();
    boolean inFence = false;
    String[] lines = markdown.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (FENCE.matcher(lines[i]).find()) {
        inFence = !inFence;
      } else if (!inFence) {
        Matcher m = HEADING.matcher(lines[i]);
        if (m.matches()) {
          headings.add(new Heading(m.group(1).length(), m.group(2), i));
        }
      }
    }
    return headings;
  }

  /** The lines under {@code heading}, up to the next heading of the same or a higher level. */
  static List<String> section(String markdown, Heading heading) {
    String[] lines = markdown.split("\n", -1);
    int end =
        headings(markdown).stream()
            .filter(h -> h.line() > heading.line() && h.level() <= heading.level())
            .mapToInt(Heading::line)
            .findFirst()
            .orElse(lines.length);
    return List.of(lines).subList(heading.line() + 1, end);
  }

  /**
   * The rows of every table in {@code lines} whose header's first cell is {@code firstHeader}, as
   * cells.
   */
  static List<List<String>> tableRows(List<String> lines, String firstHeader) {
    List<List<String>> rows = new ArrayList<>();
    List<String> header = null;
    for (String line : lines) {
      if (!line.startsWith("|")) {
        header = null;
      } else if (!TABLE_DELIMITER.matcher(line).matches()) {
        List<String> cells = cells(line);
        if (header == null) {
          header = cells;
        } else if (header.getFirst().equals(firstHeader)) {
          rows.add(cells);
        }
      }
    }
    return rows;
  }

  private static List<String> cells(String row) {
    String inner = row.strip();
    inner = inner.substring(1, inner.endsWith("|") ? inner.length() - 1 : inner.length());
    List<String> cells = new ArrayList<>();
    // A cell may hold an escaped bar (\|), as in "hour\|day\|month".
    for (String cell : inner.split("(?<!\\\\)\\|", -1)) {
      cells.add(cell.strip());
    }
    return cells;
  }
}
