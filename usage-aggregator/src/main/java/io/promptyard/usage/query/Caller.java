package io.promptyard.usage.query;

import io.promptyard.schemas.http.Access;
import java.util.Optional;

/**
 * Who asks the query API: what their token lets them read, and their {@code Authorization} header,
 * passed on when another instance is asked on their behalf so that it applies the same access.
 */
public record Caller(Access access, Optional<String> authorization) {}
