package io.promptyard.testkit.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;

/** Serves {@code GET /v1/models} and {@code GET /v1/models/{id}} from the configured model ids. */
final class ModelsEndpoint {

  /** A fixed creation time keeps the listing deterministic. */
  private static final long CREATED = 1_700_000_000L;

  private final ObjectMapper mapper;
  private final List<String> modelIds;

  ModelsEndpoint(ObjectMapper mapper, List<String> modelIds) {
    this.mapper = mapper;
    this.modelIds = modelIds;
  }

  void list(Reply reply) throws IOException {
    ObjectNode body = mapper.createObjectNode().put("object", "list");
    ArrayNode data = body.putArray("data");
    modelIds.forEach(id -> data.add(model(id)));
    reply.json(200, body);
  }

  void retrieve(Reply reply, String id) throws IOException, ApiException {
    if (!modelIds.contains(id)) {
      throw new ApiException(ApiError.unknownModel(id));
    }
    reply.json(200, model(id));
  }

  private ObjectNode model(String id) {
    return mapper
        .createObjectNode()
        .put("id", id)
        .put("object", "model")
        .put("created", CREATED)
        .put("owned_by", "promptyard-simulator");
  }
}
