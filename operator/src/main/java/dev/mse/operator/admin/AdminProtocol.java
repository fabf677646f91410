package dev.mse.operator.admin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The admin channel's wire form: over a Unix domain socket, one request as a line of JSON, one
 * reply as a line of JSON, then the operator closes the connection. Lines are bounded.
 */
final class AdminProtocol {
  /** The longest line either side reads. */
  static final int MAX_LINE = 16 * 1024;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private AdminProtocol() {}

  /** The directory (mode 0700) that holds the socket, under the data directory. */
  static Path socketDirectory(Path dataDir) {
    return dataDir.toAbsolutePath().resolve("admin");
  }

  /** The socket of the operator that serves {@code dataDir}. */
  static Path socket(Path dataDir) {
    return socketDirectory(dataDir).resolve("operator.sock");
  }

  static byte[] encode(AdminRequest request) {
    ObjectNode n = JSON.createObjectNode();
    switch (request) {
      case AdminRequest.CreateAccount c -> {
        n.put("request", "create_account");
        n.put("email", c.email());
        n.put("password", c.password());
        n.put("token", c.withToken());
        c.tokenDays().ifPresent(d -> n.put("token_days", d));
      }
    }
    return line(n);
  }

  /** The request in a line, or a reason it is not one. */
  static AdminRequest decodeRequest(byte[] line) throws MalformedMessageException {
    JsonNode n = tree(line);
    String kind = n.path("request").asString("");
    JsonNode days = n.path("token_days");
    if (kind.equals("create_account")
        && n.path("email").isString()
        && n.path("password").isString()
        && n.path("token").isBoolean()
        && (days.isMissingNode() || days.isInt())) {
      return new AdminRequest.CreateAccount(
          n.path("email").asString(),
          n.path("password").asString(),
          n.path("token").asBoolean(),
          days.isInt() ? OptionalInt.of(days.asInt()) : OptionalInt.empty());
    }
    throw new MalformedMessageException("not a request this operator knows");
  }

  static byte[] encode(AdminReply reply) {
    ObjectNode n = JSON.createObjectNode();
    switch (reply) {
      case AdminReply.AccountCreated a -> {
        n.put("reply", "account_created");
        n.put("account_id", a.accountId().toString());
        n.put("email", a.email());
        a.token().ifPresent(t -> n.put("token", t));
        a.tokenExpires().ifPresent(t -> n.put("token_expires_at", t.toString()));
      }
      case AdminReply.Refused r -> {
        n.put("reply", "refused");
        n.put("code", r.code());
        n.put("message", r.message());
      }
    }
    return line(n);
  }

  static AdminReply decodeReply(byte[] line) throws MalformedMessageException {
    JsonNode n = tree(line);
    try {
      return switch (n.path("reply").asString("")) {
        case "account_created" ->
            new AdminReply.AccountCreated(
                UUID.fromString(n.path("account_id").asString()),
                n.path("email").asString(),
                n.path("token").isString()
                    ? Optional.of(n.path("token").asString())
                    : Optional.empty(),
                n.path("token_expires_at").isString()
                    ? Optional.of(Instant.parse(n.path("token_expires_at").asString()))
                    : Optional.empty());
        case "refused" ->
            new AdminReply.Refused(n.path("code").asString(), n.path("message").asString());
        default -> throw new MalformedMessageException("not a reply this client knows");
      };
    } catch (IllegalArgumentException | DateTimeException | JacksonException e) {
      throw new MalformedMessageException("a reply field is not what it should be");
    }
  }

  /** One line (without its end), at most {@link #MAX_LINE} bytes. */
  static byte[] readLine(InputStream in) throws IOException, MalformedMessageException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new MalformedMessageException("the connection ended inside a message");
      }
      if (b == '\n') {
        return line.toByteArray();
      }
      if (line.size() >= MAX_LINE) {
        throw new MalformedMessageException("a message is longer than " + MAX_LINE + " bytes");
      }
      line.write(b);
    }
  }

  static void write(SocketChannel channel, byte[] line) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(line);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  private static byte[] line(ObjectNode n) {
    return (JSON.writeValueAsString(n) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private static JsonNode tree(byte[] line) throws MalformedMessageException {
    try {
      JsonNode n = JSON.readTree(line);
      if (n == null || !n.isObject()) {
        throw new MalformedMessageException("a message is not a JSON object");
      }
      return n;
    } catch (JacksonException e) {
      throw new MalformedMessageException("a message is not JSON");
    }
  }

  /** A line that is not a message of this protocol. */
  static final class MalformedMessageException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedMessageException(String message) {
      super(message, null, false, false);
    }
  }
}
