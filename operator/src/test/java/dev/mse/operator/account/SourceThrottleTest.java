package dev.mse.operator.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.operator.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SourceThrottleTest {
  @Test
  void eachSourceHasItsOwnBudgetWhichRefillsOverThePeriod() {
    MutableClock clock = new MutableClock();
    SourceThrottle throttle = new SourceThrottle(3, Duration.ofMinutes(1), clock);
    for (int i = 0; i < 3; i++) {
      assertThat(throttle.tryAcquire("192.0.2.1")).isTrue();
    }
    assertThat(throttle.tryAcquire("192.0.2.1")).isFalse();
    assertThat(throttle.tryAcquire("192.0.2.2")).isTrue();
    clock.advance(Duration.ofSeconds(20));
    assertThat(throttle.tryAcquire("192.0.2.1")).isTrue();
    assertThat(throttle.tryAcquire("192.0.2.1")).isFalse();
  }

  @Test
  void ipv6SourcesCountPerSlash64() {
    MutableClock clock = new MutableClock();
    SourceThrottle throttle = new SourceThrottle(1, Duration.ofMinutes(1), clock);
    assertThat(throttle.tryAcquire("2001:db8:1:2::1")).isTrue();
    // another address of the same /64: the same host, most likely
    assertThat(throttle.tryAcquire("2001:db8:1:2:ffff::9")).isFalse();
    assertThat(throttle.tryAcquire("2001:db8:1:3::1")).isTrue();
  }
}
