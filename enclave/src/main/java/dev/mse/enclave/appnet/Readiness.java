package dev.mse.enclave.appnet;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The selector keys watching one in-memory channel, told when its readiness may have changed.
 * Nearly always one key (a channel is rarely registered with two selectors at once), kept apart so
 * that telling it costs no iteration.
 */
final class Readiness {
  /** A key that wants to hear of changes. */
  interface Watcher {
    void changed();
  }

  private volatile Watcher only;
  private final CopyOnWriteArrayList<Watcher> others = new CopyOnWriteArrayList<>();

  synchronized void watch(Watcher watcher) {
    if (only == null) {
      only = watcher;
    } else {
      others.add(watcher);
    }
  }

  synchronized void unwatch(Watcher watcher) {
    if (only == watcher) {
      only = others.isEmpty() ? null : others.remove(0);
    } else {
      others.remove(watcher);
    }
  }

  void changed() {
    Watcher w = only;
    if (w != null) {
      w.changed();
    }
    if (!others.isEmpty()) {
      for (Watcher o : others) {
        o.changed();
      }
    }
  }
}
