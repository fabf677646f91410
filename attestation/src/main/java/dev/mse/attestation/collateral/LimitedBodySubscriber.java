package dev.mse.attestation.collateral;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body into memory but gives up, and cancels the download, as soon as it
 * exceeds a limit: a misbehaving or hostile server must not be able to fill the heap. A declared
 * {@code Content-Length} over the limit fails before any byte is read.
 */
final class LimitedBodySubscriber implements HttpResponse.BodySubscriber<byte[]> {
  /** The body was longer than allowed. */
  static final class TooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    TooLargeException(long limit) {
      super("response body larger than " + limit + " bytes");
    }
  }

  private final long limit;
  private final boolean declaredTooLarge;
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private final ByteArrayOutputStream body = new ByteArrayOutputStream();
  private Flow.Subscription subscription;
  private long received;

  LimitedBodySubscriber(long limit, HttpResponse.ResponseInfo info) {
    this.limit = limit;
    this.declaredTooLarge = info.headers().firstValueAsLong("content-length").orElse(0) > limit;
  }

  /**
   * Reads the body of a 200 answer within {@code limit}; discards the body of any other answer, so
   * that an error page cannot turn a clear status into a size error.
   */
  static HttpResponse.BodyHandler<byte[]> handler(long limit) {
    return info ->
        info.statusCode() == 200
            ? new LimitedBodySubscriber(limit, info)
            : HttpResponse.BodySubscribers.replacing(new byte[0]);
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    if (declaredTooLarge) {
      subscription.cancel();
      result.completeExceptionally(new TooLargeException(limit));
    } else {
      subscription.request(Long.MAX_VALUE);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    if (result.isDone()) {
      return;
    }
    for (ByteBuffer buffer : buffers) {
      received += buffer.remaining();
      if (received > limit) {
        subscription.cancel();
        result.completeExceptionally(new TooLargeException(limit));
        return;
      }
      byte[] chunk = new byte[buffer.remaining()];
      buffer.get(chunk);
      body.writeBytes(chunk);
    }
  }

  @Override
  public void onError(Throwable error) {
    result.completeExceptionally(error);
  }

  @Override
  public void onComplete() {
    result.complete(body.toByteArray());
  }
}
