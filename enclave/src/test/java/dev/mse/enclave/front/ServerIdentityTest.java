package dev.mse.enclave.front;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ServerIdentityTest {
  @Test
  void showsItsCertificateNotItsKey() throws Exception {
    SelfSigned self = new SelfSigned();

    assertThat(self.identity.toString())
        .doesNotContainIgnoringCase(HexFormat.of().formatHex(self.identity.key().getEncoded()))
        .doesNotContain(self.identity.key().toString())
        .contains("redacted", "CN=localhost");
  }
}
