package io.promptyard.cli;

import java.util.concurrent.Callable;

/**
 * A {@code promptyard} subcommand from a module the CLI does not depend on ({@code dev}, {@code
 * bench}): a picocli {@code @Command} that {@link Main} adds when {@link java.util.ServiceLoader}
 * finds it on the class path, listed in that module's {@code
 * META-INF/services/io.promptyard.cli.Subcommand}.
 */
public interface Subcommand extends Callable<Integer> {}
