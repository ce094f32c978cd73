package io.promptyard.cli;

import io.promptyard.cli.audit.AuditTrail;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A command that changes something an operator answers for ({@code dlq replay}, {@code budget set},
 * {@code quota set|clear}, {@code guard policy set|clear}, {@code cache invalidate}, {@code
 * templates publish|retire}, {@code topics create}, {@code topics acls --apply}): it is recorded on
 * the audit trail. The command checks its arguments, then calls {@link #aboutToAct}, which checks
 * that the audit topic can be written, so that nothing is done that could not be recorded. After
 * acting, one record with the outcome is written; when that write fails, the command fails loudly,
 * saying the action was done. An action that fails after {@link #aboutToAct} is recorded as failed;
 * a command line refused before it did nothing and is not recorded.
 */
public abstract class OperatorAction extends ConnectedCommand {

  private AuditTrail trail;
  private boolean acting;

  @Override
  protected final void execute(PrintWriter out) throws Exception {
    if (!changesSomething()) {
      act(out);
      return;
    }
    trail =
        new AuditTrail(
            connection.kafkaProperties(),
            connection.topics().audit(),
            connection.clock(),
            System.getProperty("user.name", "unknown"),
            connection.clients());
    String command = commandName(spec);
    List<String> arguments = arguments(spec);
    String outcome;
    try {
      outcome = act(out);
    } catch (Exception e) {
      if (!acting) {
        throw e;
      }
      try {
        trail.record(command, arguments, false, String.valueOf(e.getMessage()));
      } catch (AuditTrail.AuditWriteException unrecorded) {
        err().println("WARNING: " + unrecorded.getMessage());
      }
      throw e;
    }
    out.flush();
    try {
      trail.record(command, arguments, true, outcome);
    } catch (AuditTrail.AuditWriteException e) {
      throw new AuditTrail.AuditWriteException(
          "the action WAS done (" + outcome + ") but is not on the audit trail: " + e.getMessage(),
          e);
    }
  }

  /**
   * Does the command's work, printing its results to {@code out}; calls {@link #aboutToAct} once
   * its arguments are checked, before it changes anything.
   *
   * @return what was done, in words and counts, for the audit record
   */
  protected abstract String act(PrintWriter out) throws Exception;

  /**
   * Called by the command once its arguments are checked, just before it changes anything: fails,
   * and nothing is done, when the audit topic cannot be written.
   */
  protected final void aboutToAct() {
    acting = true;
    if (trail != null && !createsAuditTopic()) {
      trail.ensureWritable();
    }
  }

  /** Whether this run changes anything; a dry run does not, and is not audited. */
  protected boolean changesSomething() {
    return true;
  }

  /** Whether the action creates the audit topic itself, so that it cannot be checked first. */
  protected boolean createsAuditTopic() {
    return false;
  }

  /** The command's name below the root, e.g. {@code dlq replay}. */
  private static String commandName(CommandSpec spec) {
    List<String> names = new ArrayList<>();
    for (CommandSpec s = spec; s.parent() != null; s = s.parent()) {
      names.addFirst(s.name());
    }
    return String.join(" ", names);
  }

  /** The command line after the command's name. */
  private static List<String> arguments(CommandSpec spec) {
    List<String> all = spec.root().commandLine().getParseResult().originalArgs();
    List<String> names = List.of(commandName(spec).split(" "));
    int skip = 0;
    while (skip < names.size() && skip < all.size() && all.get(skip).equals(names.get(skip))) {
      skip++;
    }
    return all.subList(skip, all.size());
  }
}
