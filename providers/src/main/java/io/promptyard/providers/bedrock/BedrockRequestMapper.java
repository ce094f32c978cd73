package io.promptyard.providers.bedrock;

import static io.promptyard.providers.http.FailedCall.unsendable;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.promptyard.providers.ChatRequest;
import io.promptyard.providers.http.FailedCall;
import io.promptyard.schemas.ContentPart;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.ResponseFormat;
import io.promptyard.schemas.ToolCall;
import io.promptyard.schemas.ToolDefinition;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.document.Document;
import software.amazon.awssdk.services.bedrockruntime.model.AnyToolChoice;
import software.amazon.awssdk.services.bedrockruntime.model.AutoToolChoice;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ImageBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ImageFormat;
import software.amazon.awssdk.services.bedrockruntime.model.ImageSource;
import software.amazon.awssdk.services.bedrockruntime.model.InferenceConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.SpecificToolChoice;
import software.amazon.awssdk.services.bedrockruntime.model.SystemContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.Tool;
import software.amazon.awssdk.services.bedrockruntime.model.ToolChoice;
import software.amazon.awssdk.services.bedrockruntime.model.ToolConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.ToolInputSchema;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolSpecification;
import software.amazon.awssdk.services.bedrockruntime.model.ToolUseBlock;

/**
 * Maps a {@link ChatRequest} to a Converse / ConverseStream request, as documented at
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html: system and
 * developer messages become {@code system} blocks, tool results become {@code toolResult} blocks in
 * a user turn, and consecutive turns of one role are merged (Converse requires user and assistant
 * to alternate). Public, with {@link StreamAssembler}, as Bedrock's wire codec, which the bench
 * module measures without a call.
 */
public final class BedrockRequestMapper {

  /** The forced tool that carries a JSON-mode answer when the request names no schema. */
  static final String JSON_TOOL = "json_answer";

  private static final Pattern DATA_URL =
      Pattern.compile("data:([^;,]+);base64,(.*)", Pattern.DOTALL);
  // https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ToolSpecification.html
  private static final Pattern TOOL_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

  /**
   * Everything Converse and ConverseStream share; {@code structuredTool} is the forced JSON tool,
   * or null.
   */
  public record Mapped(
      String modelId,
      List<software.amazon.awssdk.services.bedrockruntime.model.Message> messages,
      List<SystemContentBlock> system,
      InferenceConfiguration inference,
      ToolConfiguration tools,
      String structuredTool) {

    public ConverseRequest converse() {
      return ConverseRequest.builder()
          .modelId(modelId)
          .messages(messages)
          .system(system)
          .inferenceConfig(inference)
          .toolConfig(tools)
          .build();
    }

    ConverseStreamRequest converseStream() {
      return ConverseStreamRequest.builder()
          .modelId(modelId)
          .messages(messages)
          .system(system)
          .inferenceConfig(inference)
          .toolConfig(tools)
          .build();
    }
  }

  /**
   * The Converse form of {@code request}; fails, naming the part, when Bedrock cannot express it.
   */
  public Mapped map(ChatRequest request) throws FailedCall {
    Parameters p = request.parameters();
    List<SystemContentBlock> system = new ArrayList<>();
    Turns turns = new Turns();
    int i = 0;
    for (Message m : request.messages()) {
      String where = "message " + i++;
      switch (m.getRole()) {
        case SYSTEM, DEVELOPER -> {
          for (String text : texts(m, where)) {
            system.add(SystemContentBlock.fromText(text));
          }
        }
        case USER -> turns.add(ConversationRole.USER, content(m, where), where);
        case ASSISTANT -> {
          List<ContentBlock> blocks = content(m, where);
          for (ToolCall call : m.getToolCalls()) {
            blocks.add(
                ContentBlock.fromToolUse(
                    ToolUseBlock.builder()
                        .toolUseId(call.getId())
                        .name(call.getName())
                        .input(arguments(call, where))
                        .build()));
          }
          turns.add(ConversationRole.ASSISTANT, blocks, where);
        }
        case TOOL -> {
          if (m.getToolCallId() == null || m.getToolCallId().isBlank()) {
            throw unsendable(
                where + " has role tool but no toolCallId; Bedrock needs the toolUseId it answers");
          }
          String text = String.join("", texts(m, where));
          turns.add(
              ConversationRole.USER,
              new ArrayList<>(
                  List.of(
                      ContentBlock.fromToolResult(
                          ToolResultBlock.builder()
                              .toolUseId(m.getToolCallId())
                              .content(
                                  ToolResultContentBlock.fromText(
                                      text.isEmpty() ? "(empty)" : text))
                              .build()))),
              where);
        }
        default ->
            throw unsendable(
                where + " has role " + m.getRole() + ", which Bedrock Converse has no place for");
      }
    }
    StructuredTool structured = structuredTool(p);
    return new Mapped(
        request.model(),
        turns.messages(),
        system.isEmpty() ? null : system,
        inference(p),
        toolConfig(p, structured, turns.usesTools()),
        structured == null ? null : structured.name());
  }

  private static InferenceConfiguration inference(Parameters p) {
    if (p == null) {
      return null;
    }
    // Bedrock Converse has no seed: it is ignored (documented in docs/PROVIDERS.md), as the models
    // behind it offer no reproducible sampling through this API.
    InferenceConfiguration.Builder b = InferenceConfiguration.builder();
    boolean any = false;
    if (p.getTemperature() != null) {
      b.temperature(p.getTemperature().floatValue());
      any = true;
    }
    if (p.getTopP() != null) {
      b.topP(p.getTopP().floatValue());
      any = true;
    }
    if (p.getMaxTokens() != null) {
      b.maxTokens(p.getMaxTokens());
      any = true;
    }
    if (!p.getStop().isEmpty()) {
      b.stopSequences(p.getStop());
      any = true;
    }
    return any ? b.build() : null;
  }

  private record StructuredTool(String name, String description, Document schema) {}

  /**
   * Converse has no response-format field; like Anthropic on Bedrock, a JSON answer is asked for by
   * forcing one tool whose input schema is the requested schema, and the tool's input is the
   * answer.
   */
  private static StructuredTool structuredTool(Parameters p) throws FailedCall {
    ResponseFormat f = p == null ? null : p.getResponseFormat();
    String type = f == null || f.getType() == null ? "text" : f.getType();
    if (type.equals("text")) {
      return null;
    }
    if (!p.getTools().isEmpty()) {
      throw unsendable(
          "response_format "
              + type
              + " together with tools: Bedrock Converse has no response format, "
              + "structured output is a forced tool call, which would keep the model from calling the request's tools");
    }
    return switch (type) {
      case "json_object" ->
          new StructuredTool(
              JSON_TOOL,
              "Answer with a JSON object.",
              Document.fromMap(java.util.Map.of("type", Document.fromString("object"))));
      case "json_schema" -> {
        if (f.getSchemaJson() == null || f.getSchemaJson().isBlank()) {
          throw unsendable("response_format json_schema without a schema");
        }
        String name =
            f.getSchemaName() != null && TOOL_NAME.matcher(f.getSchemaName()).matches()
                ? f.getSchemaName()
                : JSON_TOOL;
        Document schema;
        try {
          schema = BedrockDocuments.parse(f.getSchemaJson());
        } catch (JsonProcessingException e) {
          throw unsendable(
              "response_format json_schema is not valid JSON: " + e.getOriginalMessage());
        }
        yield new StructuredTool(name, "Answer with JSON that matches this schema.", schema);
      }
      default ->
          throw unsendable(
              "response_format type '" + type + "' is not one of text, json_object, json_schema");
    };
  }

  private static ToolConfiguration toolConfig(
      Parameters p, StructuredTool structured, boolean historyUsesTools) throws FailedCall {
    if (structured != null) {
      return ToolConfiguration.builder()
          .tools(
              Tool.fromToolSpec(
                  ToolSpecification.builder()
                      .name(structured.name())
                      .description(structured.description())
                      .inputSchema(ToolInputSchema.fromJson(structured.schema()))
                      .build()))
          .toolChoice(
              ToolChoice.fromTool(SpecificToolChoice.builder().name(structured.name()).build()))
          .build();
    }
    List<ToolDefinition> defs = p == null ? List.of() : p.getTools();
    String choice = p == null ? null : p.getToolChoice();
    if (defs.isEmpty()) {
      if (choice != null && !choice.equals("auto") && !choice.equals("none")) {
        throw unsendable("tool_choice '" + choice + "' without any tools");
      }
      return null;
    }
    if ("none".equals(choice)) {
      if (historyUsesTools) {
        // Converse needs toolConfig whenever the conversation holds toolUse or toolResult blocks,
        // and has no
        // choice that forbids calling them.
        throw unsendable(
            "tool_choice none in a conversation with tool calls: Bedrock Converse cannot forbid tool use "
                + "while its toolConfig is present, and requires it when messages contain tool calls");
      }
      return null;
    }
    List<Tool> tools = new ArrayList<>();
    for (ToolDefinition d : defs) {
      Document schema;
      try {
        schema =
            d.getParametersJson() == null || d.getParametersJson().isBlank()
                ? BedrockDocuments.parse("{\"type\":\"object\",\"properties\":{}}")
                : BedrockDocuments.parse(d.getParametersJson());
      } catch (JsonProcessingException e) {
        throw unsendable(
            "tool "
                + d.getName()
                + " has parameters that are not valid JSON: "
                + e.getOriginalMessage());
      }
      ToolSpecification.Builder spec =
          ToolSpecification.builder()
              .name(d.getName())
              .inputSchema(ToolInputSchema.fromJson(schema));
      if (d.getDescription() != null && !d.getDescription().isBlank()) {
        spec.description(d.getDescription());
      }
      tools.add(Tool.fromToolSpec(spec.build()));
    }
    ToolConfiguration.Builder config = ToolConfiguration.builder().tools(tools);
    if (choice != null) {
      config.toolChoice(
          switch (choice) {
            case "auto" -> ToolChoice.fromAuto(AutoToolChoice.builder().build());
            case "required" -> ToolChoice.fromAny(AnyToolChoice.builder().build());
            default -> {
              if (defs.stream().noneMatch(d -> d.getName().equals(choice))) {
                throw unsendable(
                    "tool_choice names '" + choice + "', which is not among the request's tools");
              }
              yield ToolChoice.fromTool(SpecificToolChoice.builder().name(choice).build());
            }
          });
    }
    return config.build();
  }

  /**
   * The message's text and image blocks; blank text is left out, as Converse rejects blank text
   * blocks.
   */
  private static List<ContentBlock> content(Message m, String where) throws FailedCall {
    List<ContentBlock> blocks = new ArrayList<>();
    if (m.getText() != null && !m.getText().isEmpty()) {
      blocks.add(ContentBlock.fromText(m.getText()));
    }
    int j = 0;
    for (ContentPart part : m.getParts()) {
      String partWhere = where + " part " + j++;
      switch (part.getType()) {
        case "text" -> {
          if (part.getText() != null && !part.getText().isEmpty()) {
            blocks.add(ContentBlock.fromText(part.getText()));
          }
        }
        case "image_url" ->
            blocks.add(ContentBlock.fromImage(image(part.getImageUrl(), partWhere)));
        default ->
            throw unsendable(
                partWhere + " has type '" + part.getType() + "'; Bedrock takes text and image_url");
      }
    }
    return blocks;
  }

  /** The texts of a message that may only hold text (system, developer, tool). */
  private static List<String> texts(Message m, String where) throws FailedCall {
    List<String> texts = new ArrayList<>();
    for (ContentBlock b : content(m, where)) {
      if (b.text() == null) {
        throw unsendable(
            where
                + " with role "
                + m.getRole().name().toLowerCase(Locale.ROOT)
                + " may only hold text on Bedrock");
      }
      texts.add(b.text());
    }
    return texts;
  }

  /** Converse takes image bytes (or S3 locations), never a URL it would fetch itself. */
  private static ImageBlock image(String url, String where) throws FailedCall {
    if (url == null) {
      throw unsendable(where + " is an image_url part without a URL");
    }
    Matcher data = DATA_URL.matcher(url);
    if (!data.matches()) {
      throw unsendable(
          where
              + " refers to an image by URL; Bedrock Converse only takes inline images: send a "
              + "data:image/...;base64 URL");
    }
    ImageFormat format =
        switch (data.group(1).toLowerCase(Locale.ROOT)) {
          case "image/png" -> ImageFormat.PNG;
          case "image/jpeg", "image/jpg" -> ImageFormat.JPEG;
          case "image/gif" -> ImageFormat.GIF;
          case "image/webp" -> ImageFormat.WEBP;
          default ->
              throw unsendable(
                  where
                      + " is a "
                      + data.group(1)
                      + " image; Bedrock takes png, jpeg, gif and webp");
        };
    byte[] bytes;
    try {
      bytes = Base64.getMimeDecoder().decode(data.group(2));
    } catch (IllegalArgumentException e) {
      throw unsendable(where + " has a data URL that is not valid base64");
    }
    return ImageBlock.builder()
        .format(format)
        .source(ImageSource.fromBytes(SdkBytes.fromByteArray(bytes)))
        .build();
  }

  private static Document arguments(ToolCall call, String where) throws FailedCall {
    try {
      String args = call.getArguments();
      return BedrockDocuments.parse(args == null || args.isBlank() ? "{}" : args);
    } catch (JsonProcessingException e) {
      throw unsendable(
          where + " has tool call " + call.getId() + " whose arguments are not valid JSON");
    }
  }

  /** Builds alternating turns, merging consecutive blocks of one role into one turn. */
  private static final class Turns {
    private final List<software.amazon.awssdk.services.bedrockruntime.model.Message> done =
        new ArrayList<>();
    private ConversationRole role;
    private List<ContentBlock> blocks = new ArrayList<>();
    private boolean usesTools;

    void add(ConversationRole r, List<ContentBlock> more, String where) throws FailedCall {
      if (more.isEmpty()) {
        throw unsendable(where + " has no content; Bedrock rejects empty messages");
      }
      usesTools |= more.stream().anyMatch(b -> b.toolUse() != null || b.toolResult() != null);
      if (r != role) {
        flush();
        role = r;
      }
      blocks.addAll(more);
    }

    boolean usesTools() {
      return usesTools;
    }

    List<software.amazon.awssdk.services.bedrockruntime.model.Message> messages() {
      flush();
      return List.copyOf(done);
    }

    private void flush() {
      if (role != null && !blocks.isEmpty()) {
        done.add(
            software.amazon.awssdk.services.bedrockruntime.model.Message.builder()
                .role(role)
                .content(blocks)
                .build());
      }
      blocks = new ArrayList<>();
    }
  }
}
