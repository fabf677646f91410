package dev.mse.operator.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RuntimeMemoryTest {
  @Test
  void theHeapIsAQuarterOfTheEnclaveWithAFloor() {
    assertThat(RuntimeMemory.heapMb(512)).isEqualTo(128);
    assertThat(RuntimeMemory.heapMb(256)).isEqualTo(128);
    assertThat(RuntimeMemory.heapMb(4096)).isEqualTo(1024);
    assertThat(RuntimeMemory.jvmOptions(4096))
        .contains("-Xmx1024m", "-XX:+UseSerialGC", "-XX:TrimNativeHeapInterval=5000");
  }
}
