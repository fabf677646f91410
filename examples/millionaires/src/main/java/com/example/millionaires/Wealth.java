package com.example.millionaires;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A party's wealth, the secret of the contest: it never prints ({@link #toString()} hides it) and
 * leaves the app only as the outcome of a comparison.
 */
final class Wealth implements Comparable<Wealth> {
  /** The one input format: {@code {"wealth": 1234567}} or with up to six decimals. */
  private static final Pattern INPUT =
      Pattern.compile("\\s*\\{\\s*\"wealth\"\\s*:\\s*(\\d{1,24}(?:\\.\\d{1,6})?)\\s*}\\s*");

  private final BigDecimal amount;

  private Wealth(BigDecimal amount) {
    this.amount = amount;
  }

  /** The wealth of an opened input; empty when it is not {@code {"wealth": <amount>}}. */
  static Optional<Wealth> parse(byte[] content) {
    Matcher m = INPUT.matcher(new String(content, StandardCharsets.UTF_8));
    return m.matches() ? Optional.of(new Wealth(new BigDecimal(m.group(1)))) : Optional.empty();
  }

  @Override
  public int compareTo(Wealth other) {
    return amount.compareTo(other.amount);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Wealth w && amount.compareTo(w.amount) == 0;
  }

  @Override
  public int hashCode() {
    return amount.stripTrailingZeros().hashCode();
  }

  @Override
  public String toString() {
    return "Wealth[hidden]";
  }
}
