package dev.mse.enclave.appnet;

import java.util.concurrent.CopyOnWriteArraySet;

/** The selectors watching one in-memory channel, woken when its readiness may have changed. */
final class Readiness {
  private final CopyOnWriteArraySet<MixedSelector> watchers = new CopyOnWriteArraySet<>();

  void watch(MixedSelector selector) {
    watchers.add(selector);
  }

  void unwatch(MixedSelector selector) {
    watchers.remove(selector);
  }

  void changed() {
    for (MixedSelector s : watchers) {
      s.wakeup();
    }
  }
}
