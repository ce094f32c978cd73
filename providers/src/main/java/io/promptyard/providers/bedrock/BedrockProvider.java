package io.promptyard.providers.bedrock;

import io.promptyard.catalog.ProviderSpec;
import io.promptyard.providers.ApiKeyPool;
import io.promptyard.providers.ChatChunk;
import io.promptyard.providers.ChatProvider;
import io.promptyard.providers.ChatRequest;
import io.promptyard.providers.ChatResponse;
import io.promptyard.providers.HttpTimeouts;
import io.promptyard.providers.KeyCheck;
import io.promptyard.providers.ProviderException;
import io.promptyard.providers.RateLimitHeaders;
import io.promptyard.providers.RateLimits;
import io.promptyard.providers.http.FailedCall;
import io.promptyard.providers.http.Failure;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamOutput;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;

/**
 * A {@link ChatProvider} for Amazon Bedrock's Converse and ConverseStream APIs
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html), through the
 * AWS SDK for Java v2, which signs every request with SigV4 and decodes the binary event stream.
 * Credentials come from the environment map handed in, never from the SDK's default chain; the SDK
 * does not retry, because the worker owns retries.
 */
public final class BedrockProvider implements ChatProvider {

  /** Catalog option: the AWS region; also picks the default endpoint. */
  public static final String OPTION_REGION = "region";

  /** Catalog option: how many HTTP connections the provider may hold open at once. */
  public static final String OPTION_MAX_CONNECTIONS = "maxConnections";

  public static final String DEFAULT_REGION = "us-east-1";
  public static final String ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";
  public static final String SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";
  public static final String SESSION_TOKEN = "AWS_SESSION_TOKEN";

  private static final Object END = new Object();

  private final String name;
  private final HttpTimeouts timeouts;
  private final BedrockRuntimeAsyncClient client;

  /**
   * The secrets to keep out of every message; never handed out, Bedrock takes one credential pair.
   */
  private final ApiKeyPool secrets;

  private final BedrockRequestMapper requests = new BedrockRequestMapper();

  /**
   * A Bedrock adapter for one catalog entry.
   *
   * @param spec the catalog entry: {@code baseUrl} (blank for {@code
   *     https://bedrock-runtime.{region}.amazonaws.com}; {@code {region}} in it is replaced),
   *     options {@code region} (default us-east-1), {@code maxConnections} (default 500) and {@code
   *     maxResponseBytes} (see {@link ProviderSpec#maxResponseBytes()})
   * @param environment where {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY} and the
   *     optional {@code AWS_SESSION_TOKEN} are read, once
   * @param timeouts connect, first byte (also the longest silence inside a stream) and total
   * @throws IllegalArgumentException when the provider requires a key and the credential pair is
   *     incomplete, or an option is not a valid value
   */
  public BedrockProvider(
      ProviderSpec spec, Map<String, String> environment, HttpTimeouts timeouts) {
    this.name = spec.name();
    this.timeouts = timeouts;
    String region = spec.option(OPTION_REGION, DEFAULT_REGION);
    String accessKeyId = blankToNull(environment.get(ACCESS_KEY_ID));
    String secret = blankToNull(environment.get(SECRET_ACCESS_KEY));
    String token = blankToNull(environment.get(SESSION_TOKEN));
    List<String> secretValues = new ArrayList<>();
    if (secret != null) {
      secretValues.add(secret);
    }
    if (token != null) {
      secretValues.add(token);
    }
    this.secrets = ApiKeyPool.of(name, secretValues);
    AwsCredentialsProvider credentials;
    if (accessKeyId != null && secret != null) {
      credentials =
          StaticCredentialsProvider.create(
              token == null
                  ? AwsBasicCredentials.create(accessKeyId, secret)
                  : AwsSessionCredentials.create(accessKeyId, secret, token));
    } else if (!spec.keyRequired()) {
      credentials = AnonymousCredentialsProvider.create();
    } else {
      throw new IllegalArgumentException(
          "provider "
              + name
              + " needs AWS credentials: set "
              + ACCESS_KEY_ID
              + " and "
              + SECRET_ACCESS_KEY
              + " (and "
              + SESSION_TOKEN
              + " for temporary credentials)");
    }
    int maxConnections = spec.positiveIntOption(OPTION_MAX_CONNECTIONS, 500);
    String base =
        spec.baseUrl().isBlank()
            ? "https://bedrock-runtime.{region}.amazonaws.com"
            : spec.baseUrl();
    this.client =
        BedrockRuntimeAsyncClient.builder()
            .region(Region.of(region))
            .endpointOverride(URI.create(base.replace("{region}", region)))
            .credentialsProvider(credentials)
            .httpClientBuilder(
                NettyNioAsyncHttpClient.builder()
                    .connectionTimeout(timeouts.connect())
                    // Netty's read timeout is the longest wait for the next bytes: the answer's
                    // headers, or the next
                    // event of a stream. The first-byte timeout is what a user means by both.
                    .readTimeout(timeouts.firstByte())
                    .writeTimeout(timeouts.total())
                    .maxConcurrency(maxConnections)
                    .connectionAcquisitionTimeout(timeouts.total())
                    .eventLoopGroup(EventLoops.SHARED))
            .overrideConfiguration(
                ClientOverrideConfiguration.builder()
                    .apiCallTimeout(timeouts.total())
                    .apiCallAttemptTimeout(timeouts.total())
                    .retryStrategy(AwsRetryStrategy.doNotRetry())
                    .addExecutionInterceptor(new BedrockCappedResponses(spec.maxResponseBytes()))
                    // No ~/.aws/config: all configuration comes from the catalog and the
                    // environment map.
                    .defaultProfileFile(ProfileFile.aggregator().build())
                    .build())
            .build();
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * Not checked: AWS credentials are proven by STS GetCallerIdentity or Bedrock's control-plane
   * ListFoundationModels, neither of which is in the SDK modules this adapter uses (only
   * bedrock-runtime), and a Converse call costs tokens.
   */
  @Override
  public List<KeyCheck> checkKeys() {
    return List.of(
        KeyCheck.notChecked(
            name,
            "AWS credentials are not checked at start (no cheap Bedrock runtime request proves them);"
                + " the first call does"));
  }

  @Override
  public ChatResponse complete(ChatRequest request) throws ProviderException {
    long deadline = System.nanoTime() + timeouts.total().toNanos();
    try {
      BedrockRequestMapper.Mapped mapped = requests.map(request);
      CompletableFuture<ConverseResponse> call = client.converse(mapped.converse());
      ConverseResponse response = await(call, deadline);
      return BedrockResponseMapper.response(
          response, mapped, rateLimits(response.sdkHttpResponse()));
    } catch (FailedCall
        | SdkException
        | ExecutionException
        | TimeoutException
        | InterruptedException e) {
      throw classify(e, request);
    }
  }

  @Override
  public ChatResponse stream(ChatRequest request, Consumer<ChatChunk> onChunk)
      throws ProviderException {
    long deadline = System.nanoTime() + timeouts.total().toNanos();
    CompletableFuture<Void> call = null;
    boolean finished = false;
    try {
      BedrockRequestMapper.Mapped mapped = requests.map(request);
      // The SDK hands events over on its I/O threads; the caller's thread takes them from this
      // queue, so that
      // onChunk runs where the caller expects it and a slow consumer never stalls Netty.
      BlockingQueue<Object> events = new LinkedBlockingQueue<>();
      CompletableFuture<SdkHttpResponse> head = new CompletableFuture<>();
      ConverseStreamResponseHandler handler =
          ConverseStreamResponseHandler.builder()
              .onResponse(r -> head.complete(r.sdkHttpResponse()))
              .subscriber((Consumer<ConverseStreamOutput>) events::add)
              .build();
      call = client.converseStream(mapped.converseStream(), handler);
      call.whenComplete((ok, error) -> events.add(error == null ? END : error));
      BedrockStreamAssembler assembler = new BedrockStreamAssembler(onChunk, mapped);
      while (true) {
        Object next = events.poll(remaining(deadline), TimeUnit.NANOSECONDS);
        if (next == null) {
          throw new FailedCall(
              new Failure.TimedOut(
                  "the stream did not end within the total timeout " + timeouts.total(), null));
        } else if (next == END) {
          break;
        } else if (next instanceof Throwable error) {
          throw new ExecutionException(error);
        }
        assembler.event((ConverseStreamOutput) next);
      }
      ChatResponse response = assembler.response(rateLimits(head.getNow(null)));
      finished = true;
      return response;
    } catch (FailedCall | SdkException | ExecutionException | InterruptedException e) {
      throw classify(e, request);
    } finally {
      if (!finished && call != null) {
        call.cancel(true);
      }
    }
  }

  /** Closes the SDK client and its connections. */
  @Override
  public void close() {
    client.close();
  }

  /**
   * One Netty event loop group for every Bedrock provider in the JVM: event loops are made to be
   * shared, and the SDK leaves a group it did not create running when a client closes, so closing a
   * provider is quick instead of waiting out Netty's two-second quiet period. Its threads are
   * daemons.
   */
  private static final class EventLoops {
    static final SdkEventLoopGroup SHARED = SdkEventLoopGroup.builder().build();
  }

  /**
   * Classifies a failed call once. Anything else — a RuntimeException thrown by the caller's {@code
   * onChunk}, say — is not a provider failure and propagates as it is.
   */
  private ProviderException classify(Exception e, ChatRequest request) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    return BedrockErrorClassifier.classify(e, name, request.requestId(), secrets, timeouts);
  }

  private static <T> T await(CompletableFuture<T> call, long deadline)
      throws ExecutionException, TimeoutException, InterruptedException {
    try {
      return call.get(remaining(deadline), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | InterruptedException e) {
      call.cancel(true);
      throw e;
    }
  }

  // A little past the SDK's own apiCallTimeout, so that its TIMEOUT, with its reason, is the one
  // reported.
  private static long remaining(long deadline) {
    return Math.max(0, deadline - System.nanoTime()) + TimeUnit.MILLISECONDS.toNanos(250);
  }

  private static RateLimits rateLimits(SdkHttpResponse response) {
    return response == null
        ? RateLimits.UNKNOWN
        : RateLimitHeaders.parse(HttpHeaders.of(response.headers(), (k, v) -> true));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
