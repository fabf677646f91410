package dev.mse.enclave.appnet;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;
import java.util.Set;

/**
 * The JDK's own NIO provider under {@link AppNetProvider}, and the JDK internals a selector that
 * holds JDK channels needs. They live in {@code sun.nio.ch}, so the runtime JVM opens it, and
 * {@code java.nio.channels.spi} (the distribution's {@code jvm.args}).
 */
public final class SystemNio {
  private SystemNio() {}

  /** The JDK's default provider, whatever {@link SelectorProvider#provider()} is. */
  public static SelectorProvider provider() {
    return SelectorProvider.provider() instanceof AppNetProvider app
        ? app.system()
        : SelectorProvider.provider();
  }

  static SelectorProvider load() {
    try {
      return (SelectorProvider)
          Class.forName("sun.nio.ch.DefaultSelectorProvider").getMethod("get").invoke(null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException(
          "the app network needs --add-opens=java.base/sun.nio.ch=ALL-UNNAMED", e);
    }
  }

  /**
   * Makes {@code selector}'s cancelled-key set {@code set}: {@link AbstractSelector} keeps it in a
   * private field, and a key's {@code cancel()} (final) adds itself there, which is the only moment
   * a {@link MixedSelector} can cancel the JDK key behind it in step.
   */
  static void cancelThrough(AbstractSelector selector, Set<SelectionKey> set) {
    try {
      Field field = AbstractSelector.class.getDeclaredField("cancelledKeys");
      field.setAccessible(true);
      field.set(selector, set);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException(
          "the app network needs --add-opens=java.base/java.nio.channels.spi=ALL-UNNAMED", e);
    }
  }

  /**
   * Releases a JDK channel closed while registered: the JDK defers that to the selector that drops
   * its last key, which for a channel also registered with a {@link MixedSelector} may be this one.
   */
  static void kill(SelectableChannel channel) {
    try {
      Kill.HANDLE.invoke(channel);
    } catch (Throwable e) {
      // Only IOException can come: the descriptor is gone either way.
    }
  }

  // Resolved on first use only: the front asks for the provider above without any of this.
  private static final class Kill {
    static final MethodHandle HANDLE;

    static {
      try {
        HANDLE =
            MethodHandles.lookup()
                .findVirtual(
                    Class.forName("sun.nio.ch.SelChImpl"),
                    "kill",
                    MethodType.methodType(void.class));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(
            "the app network needs --add-opens=java.base/sun.nio.ch=ALL-UNNAMED", e);
      }
    }
  }
}
