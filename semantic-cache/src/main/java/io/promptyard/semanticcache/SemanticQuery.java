package io.promptyard.semanticcache;

/**
 * What a request asks the semantic cache: the exact part of its key and its last user message.
 *
 * @param key the exact part: team, model, other messages, parameters
 * @param text the last user message, compared by meaning
 */
public record SemanticQuery(SemanticKey key, String text) {}
