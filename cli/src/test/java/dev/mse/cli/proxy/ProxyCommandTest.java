package dev.mse.cli.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.cli.MseCli;
import dev.mse.cli.UserError;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@code mse proxy} refuses before it connects anywhere. */
class ProxyCommandTest {
  @TempDir Path conf;

  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0:8080", "[::]:8080", "192.0.2.1:8080", "10.1.2.3:80"})
  void aListenAddressOffLoopbackIsRefused(String listen) {
    MseCli.Run run = MseCli.run(conf, "proxy", "app.example.com", "--listen", listen);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().strip().lines()).singleElement().asString().contains("loopback");
    assertThat(run.out()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1:8080", "localhost:0", "[::1]:9000", "127.1.2.3:1"})
  void loopbackAddressesAreAccepted(String listen) {
    assertThat(ListenAddress.parse(listen).address().getAddress().isLoopbackAddress()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"8080", "127.0.0.1", "127.0.0.1:", "127.0.0.1:x", "127.0.0.1:70000"})
  void aMalformedListenAddressIsOneClearError(String listen) {
    assertThatThrownBy(() -> ListenAddress.parse(listen))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("--listen");
  }

  @Test
  void theEvidenceCacheLastsBetweenASecondAndAnHour() {
    for (String seconds : new String[] {"0", "3601"}) {
      MseCli.Run run =
          MseCli.run(conf, "proxy", "app.example.com", "--evidence-cache-seconds", seconds);
      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err()).contains("--evidence-cache-seconds");
    }
  }

  @Test
  void theErrorPageEscapesTheReason() {
    assertThat(ErrorPage.escape("<script>alert('x')</script> & \"y\""))
        .isEqualTo("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;");
  }
}
