package io.promptyard.client;

/**
 * How far {@link PromptyardClient#submitAll} has come.
 *
 * @param sent requests the broker has taken
 * @param completed requests with a result (succeeded + unsuccessful) or that gave up (timed out,
 *     could not be sent)
 * @param succeeded results with status SUCCEEDED
 * @param unsuccessful results REJECTED, FAILED or EXPIRED, and requests that got no result
 * @param outstanding requests sent and not completed; never more than the client's {@code
 *     maxOutstanding}
 */
public record BatchProgress(
    long sent, long completed, long succeeded, long unsuccessful, int outstanding) {}
