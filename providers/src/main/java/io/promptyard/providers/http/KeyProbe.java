package io.promptyard.providers.http;

import io.promptyard.providers.ApiKeyPool;
import io.promptyard.providers.KeyCheck;
import io.promptyard.providers.KeyCheck.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The key check of a JSON-over-HTTP adapter: each key of the pool sends the provider's models-list
 * request, and the adapter's {@link ErrorClassifier} reads a failed answer as it reads a failed
 * call's, so that a key is refused (and taken out of rotation) by the same rule in both.
 */
record KeyProbe(String provider, ApiKeyPool keys, HttpChatCall http, ErrorClassifier errors) {

  /** Builds the models-list request with a key (or none) in the provider's header. */
  @FunctionalInterface
  interface ModelsList {
    ProviderRequest request(Optional<String> key) throws FailedCall;
  }

  /**
   * One check per key in rotation, in rotation order; a provider without keys that needs none gets
   * one reachability check, and one that needs a key but has none left gets a REFUSED check.
   */
  List<KeyCheck> checkAll(boolean keyRequired, ModelsList models) {
    List<String> ids = keys.keyIds();
    if (ids.isEmpty()) {
      return List.of(
          keyRequired
              ? new KeyCheck(
                  provider,
                  KeyCheck.NO_KEY,
                  Status.REFUSED,
                  "no API key left in rotation: every configured key was refused")
              : check(KeyCheck.NO_KEY, Optional.empty(), models));
    }
    List<KeyCheck> checks = new ArrayList<>(ids.size());
    for (String id : ids) {
      // next(id) is the key itself while it is in rotation; a call may have rejected it meanwhile
      Optional<String> key = keys.next(id).filter(k -> ApiKeyPool.keyId(k).equals(id));
      if (key.isEmpty()) {
        checks.add(new KeyCheck(provider, id, Status.REFUSED, "taken out of rotation by a call"));
      } else {
        checks.add(check(id, key, models));
      }
    }
    return checks;
  }

  private KeyCheck check(String id, Optional<String> key, ModelsList models) {
    try {
      http.probe(models.request(key));
      return new KeyCheck(
          provider,
          id,
          Status.VALID,
          key.isPresent() ? "the models list answered" : "reachable; no key needed");
    } catch (FailedCall f) {
      KeyCheck check = judge(id, key.isPresent(), f.failure());
      if (check.status() == Status.REFUSED && key.isPresent()) {
        // As a refused call does: no job is to be spent on this key.
        keys.reject(key.get(), check.detail());
      }
      return check;
    }
  }

  /** What a failed models-list request says about the key. */
  private KeyCheck judge(String id, boolean withKey, Failure failure) {
    return switch (failure) {
      case Failure.Status s -> judgeAnswer(id, withKey, s);
      case Failure.Transport t -> unreachable(id, Verdict.ofTransport(t));
      case Failure.TimedOut t -> unreachable(id, Verdict.ofTransport(t));
      case Failure.StreamError s ->
          new KeyCheck(provider, id, Status.NOT_CHECKED, "an error in a 200 answer");
      default -> notChecked(id, Verdict.ofTransport(failure));
    };
  }

  private KeyCheck judgeAnswer(String id, boolean withKey, Failure.Status s) {
    Verdict v = errors.status(s);
    if (errors.quotaExhausted(s)) {
      return new KeyCheck(provider, id, Status.QUOTA_EXHAUSTED, said(v));
    }
    if (errors.refusesKey(s).isPresent()) {
      return new KeyCheck(provider, id, Status.REFUSED, said(v));
    }
    if (v.retryable()) {
      return unreachable(id, v);
    }
    // A 404 or 400: the server has no models list at that address (some OpenAI-compatible
    // servers), which tells nothing of a key, but does say the server answers.
    return withKey
        ? notChecked(id, v)
        : new KeyCheck(provider, id, Status.VALID, "reachable; " + said(v));
  }

  private KeyCheck unreachable(String id, Verdict v) {
    return new KeyCheck(provider, id, Status.UNREACHABLE, said(v));
  }

  private KeyCheck notChecked(String id, Verdict v) {
    return new KeyCheck(provider, id, Status.NOT_CHECKED, said(v));
  }

  private String said(Verdict v) {
    return keys.redact("models list " + v.said());
  }
}
