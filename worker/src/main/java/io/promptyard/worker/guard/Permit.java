package io.promptyard.worker.guard;

/**
 * Permission for one provider call.
 *
 * @param reservedTokens tokens reserved against token limits, corrected when the call ends
 * @param state whatever the guard that issued it needs back when the call ends; may be null
 */
public record Permit(String provider, String model, long reservedTokens, Object state) {

  public Permit(String provider, String model, long reservedTokens) {
    this(provider, model, reservedTokens, null);
  }
}
