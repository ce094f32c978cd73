package io.promptyard.providers;

/**
 * One streamed delta. Concatenating {@code textDelta} over a stream gives the answer's text.
 *
 * @param index the chunk's position in the stream, from 0
 * @param textDelta new text, possibly empty
 * @param finishReason set on the last content chunk
 */
public record ChatChunk(int index, String textDelta, String finishReason) {}
