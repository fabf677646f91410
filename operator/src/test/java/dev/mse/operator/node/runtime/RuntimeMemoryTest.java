package dev.mse.operator.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RuntimeMemoryTest {
  @Test
  void theSmallestDefaultOfferLeavesRoomForSpringBootAndQuarkus() {
    RuntimeMemory m = RuntimeMemory.of(1024);
    assertThat(m).isEqualTo(new RuntimeMemory(320, 128, 64, 128, 128, 256));
    // Spring Boot and Quarkus compile more than the 48 MB code cache of before
    assertThat(m.codeCacheMb()).isGreaterThan(48);
    assertThat(m.maxPackageBytes()).isEqualTo(256L * 1024 * 1024);
    assertThat(m.options())
        .containsExactly(
            "-Xmx320m",
            "-XX:MaxMetaspaceSize=128m",
            "-XX:ReservedCodeCacheSize=64m",
            "-XX:MaxDirectMemorySize=128m",
            "-XX:+UseSerialGC",
            "-XX:TrimNativeHeapInterval=5000");
  }

  @Test
  void thePartsFillTheEnclaveExactlyFromTheSmallestOfferUp() {
    for (int size = 1024; size <= 65536; size *= 2) {
      RuntimeMemory m = RuntimeMemory.of(size);
      assertThat(
              m.heapMb()
                  + m.metaspaceMb()
                  + m.codeCacheMb()
                  + m.directMb()
                  + m.nativeMb()
                  + m.filesMb())
          .as("%d MB", size)
          .isEqualTo(size);
      assertThat(m.codeCacheMb()).isBetween(64, 240);
      assertThat(m.heapMb()).isGreaterThanOrEqualTo(m.metaspaceMb());
    }
  }

  @Test
  void aTinyEnclaveStillGetsAHeap() {
    assertThat(RuntimeMemory.heapMb(256)).isEqualTo(RuntimeMemory.MIN_HEAP_MB);
    assertThat(RuntimeMemory.jvmOptions(256)).contains("-Xmx64m");
  }
}
