package com.example.millionaires;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The inputs received so far and the one thing that leaves the app: who is the richest, once every
 * party's input is in. A party's first accepted input is final, so nobody can probe the others'
 * wealth by submitting again; and nothing is told before all are in.
 */
final class Contest {
  private final List<Party> parties;
  private final Map<String, Wealth> inputs = new ConcurrentHashMap<>();

  Contest(List<Party> parties) {
    this.parties = List.copyOf(parties);
  }

  List<Party> parties() {
    return parties;
  }

  /** Records {@code party}'s wealth; false when it already gave one (which stays). */
  boolean submit(Party party, Wealth wealth) {
    return inputs.putIfAbsent(party.name(), wealth) == null;
  }

  /** The parties whose input is not in yet, in the order of {@link #parties()}. */
  List<String> missing() {
    return parties.stream().map(Party::name).filter(n -> !inputs.containsKey(n)).toList();
  }

  /** The outcome, once every input is in. */
  sealed interface Outcome {
    /** One party is richer than every other. */
    record Richest(String name) implements Outcome {}

    /** At least two parties share the greatest wealth (with two parties: they are equal). */
    record Tie() implements Outcome {}
  }

  Optional<Outcome> outcome() {
    if (inputs.size() < parties.size()) {
      return Optional.empty();
    }
    Wealth top = null;
    List<String> richest = new ArrayList<>();
    for (Party p : parties) {
      Wealth w = inputs.get(p.name());
      int order = top == null ? 1 : w.compareTo(top);
      if (order > 0) {
        top = w;
        richest.clear();
      }
      if (order >= 0) {
        richest.add(p.name());
      }
    }
    return Optional.of(
        richest.size() == 1 ? new Outcome.Richest(richest.getFirst()) : new Outcome.Tie());
  }
}
