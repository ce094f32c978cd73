package io.promptyard.cli.providers;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.ProviderSpec;
import io.promptyard.cli.CommandGroup;
import io.promptyard.cli.ConnectionOptions;
import io.promptyard.providers.ChatProvider;
import io.promptyard.providers.ChatProviders;
import io.promptyard.providers.HttpTimeouts;
import io.promptyard.providers.KeyCheck;
import io.promptyard.schemas.config.Settings;
import io.promptyard.worker.WorkerConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code promptyard providers check}: the workers' key check, from the command line. */
@Command(
    name = "providers",
    mixinStandardHelpOptions = true,
    description = "Check the providers the workers call.",
    subcommands = ProvidersCommand.Check.class,
    footer = {
      "",
      "Examples:",
      "  promptyard providers check",
      "  promptyard providers check --provider openai"
    })
public final class ProvidersCommand extends CommandGroup {

  /** Connect, first-byte and total timeouts of one check request: an operator is waiting. */
  static final HttpTimeouts TIMEOUTS =
      new HttpTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(20));

  /** Checks each key of each provider as a worker does at start. */
  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = {
        "Check each API key of the providers a worker would serve, with each provider's models-list request,",
        "and print one line per key: provider, key id, status, detail (never the key).",
        "Providers, catalog and keys come from the same PROMPTYARD_* and key variables as the worker."
      },
      footer = {
        "",
        "Statuses: VALID, REFUSED, QUOTA_EXHAUSTED, UNREACHABLE, NOT_CONFIGURED, NOT_CHECKED.",
        "Exit status: 0 when every key is VALID or NOT_CHECKED, 1 otherwise.",
        "",
        "Examples:",
        "  OPENAI_API_KEY=sk-… promptyard providers check --provider openai",
        "  PROMPTYARD_CATALOG=catalog.yaml PROMPTYARD_WORKER_PROVIDERS=openai,anthropic promptyard providers check"
      })
  static final class Check implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
        names = "--provider",
        paramLabel = "NAME",
        description =
            "check this provider only (default: those PROMPTYARD_WORKER_PROVIDERS names, else every provider of the catalog)")
    String provider;

    @Override
    public Integer call() throws Exception {
      Map<String, String> env =
          spec.root().userObject() instanceof ConnectionOptions.EnvironmentSource root
              ? root.environment()
              : System.getenv();
      Settings settings = new Settings(env);
      ModelCatalog catalog = ModelCatalog.from(settings);
      List<String> names;
      if (provider == null) {
        names = WorkerConfig.servedProviders(settings, catalog);
      } else if (catalog.provider(provider).isPresent()) {
        names = List.of(provider);
      } else {
        throw new ParameterException(
            spec.commandLine(),
            "no provider named '"
                + provider
                + "' in the catalog; it has "
                + String.join(", ", catalog.providers().stream().map(ProviderSpec::name).toList()));
      }
      List<KeyCheck> checks = check(catalog, names, env);
      PrintWriter out = spec.commandLine().getOut();
      checks.forEach(c -> out.println(c.line()));
      out.flush();
      boolean allGood =
          checks.stream()
              .allMatch(
                  c ->
                      c.status() == KeyCheck.Status.VALID
                          || c.status() == KeyCheck.Status.NOT_CHECKED);
      return allGood ? 0 : 1;
    }

    /** Every provider's checks, run at once, in the order of {@code names}. */
    private static List<KeyCheck> check(
        ModelCatalog catalog, List<String> names, Map<String, String> env)
        throws InterruptedException, ExecutionException {
      List<ChatProvider> opened = java.util.Collections.synchronizedList(new ArrayList<>());
      try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<List<KeyCheck>>> running = new ArrayList<>();
        for (String name : names) {
          ProviderSpec spec = catalog.provider(name).orElseThrow();
          running.add(
              threads.submit(
                  () ->
                      KeyCheck.run(
                          name,
                          () -> {
                            ChatProvider adapter = ChatProviders.create(spec, env, TIMEOUTS);
                            opened.add(adapter);
                            return adapter;
                          })));
        }
        List<KeyCheck> checks = new ArrayList<>();
        for (Future<List<KeyCheck>> f : running) {
          checks.addAll(f.get());
        }
        return checks;
      } finally {
        opened.forEach(ChatProvider::close);
      }
    }
  }
}
