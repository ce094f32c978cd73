package io.promptyard.cli;

/**
 * An operator action that publishes one per-team record (a guard policy, a quota) on its compacted
 * topic, or a tombstone removing it.
 */
public abstract class TeamRecordAction extends OperatorAction {

  /**
   * Checks that {@code topic} exists, then that the action can be audited ({@link #aboutToAct}),
   * then publishes {@code value} ({@code null}: a tombstone) under {@code key}.
   *
   * @param creator the service whose start creates the topic, for the message when it is missing
   */
  protected final void publish(String topic, String creator, String key, byte[] value)
      throws Exception {
    TeamRecords.requireTopic(connection, topic, creator);
    aboutToAct();
    TeamRecords.send(connection, topic, key, value);
  }
}
