package dev.mse.operator;

/**
 * A request the operator refuses, with a stable code for programs and one sentence for people. The
 * API turns the {@link Kind} into an HTTP status; the message is shown as is, so it never holds a
 * secret or a stack trace.
 */
public final class OperatorException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why, in HTTP's terms. */
  public enum Kind {
    BAD_REQUEST(400),
    UNAUTHORIZED(401),
    FORBIDDEN(403),
    NOT_FOUND(404),
    CONFLICT(409),
    GONE(410),
    TOO_LARGE(413),
    UNSUPPORTED_MEDIA_TYPE(415),
    TOO_MANY_REQUESTS(429),
    UNAVAILABLE(503);

    private final int status;

    Kind(int status) {
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  private final Kind kind;
  private final String code;

  public OperatorException(Kind kind, String code, String message) {
    super(message, null, false, false);
    this.kind = kind;
    this.code = code;
  }

  public static OperatorException badRequest(String code, String message) {
    return new OperatorException(Kind.BAD_REQUEST, code, message);
  }

  public static OperatorException unauthorized(String message) {
    return new OperatorException(Kind.UNAUTHORIZED, "unauthorized", message);
  }

  public static OperatorException notFound(String code, String message) {
    return new OperatorException(Kind.NOT_FOUND, code, message);
  }

  public static OperatorException conflict(String code, String message) {
    return new OperatorException(Kind.CONFLICT, code, message);
  }

  public Kind kind() {
    return kind;
  }

  public String code() {
    return code;
  }
}
