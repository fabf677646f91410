package dev.mse.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class EnclaveNameTest {
  private static final UUID ID = UUID.fromString("4582fe49-78af-4cfb-95d7-c9590fb9da62");

  @Test
  void theEnclaveNameOfTheClaimsAppIdIsAcceptedAndNoOther() {
    assertThat(VerifyCommand.isEnclaveNameOf(ID + ".enclave.apps.example.com", ID)).isTrue();
    assertThat(VerifyCommand.isEnclaveNameOf(ID.toString().toUpperCase() + ".ENCLAVE.a.b", ID))
        .isTrue();
    // the app's own name, another app's enclave name, a look-alike label
    assertThat(VerifyCommand.isEnclaveNameOf(ID + ".apps.example.com", ID)).isFalse();
    assertThat(VerifyCommand.isEnclaveNameOf(UUID.randomUUID() + ".enclave.apps.example.com", ID))
        .isFalse();
    assertThat(VerifyCommand.isEnclaveNameOf("x" + ID + ".enclave.apps.example.com", ID)).isFalse();
  }
}
