package dev.mse.operator.console;

import dev.mse.attestation.ratls.SslOrigin;
import java.util.Optional;

/**
 * What an app's page tells its owner to give users: the exact {@code mse cloud verify} command (as
 * {@code mse cloud deploy} prints it), or why there is none yet.
 *
 * @param command the command, when the enclave's evidence names the code it runs
 * @param note what the command does, or why it is missing
 */
record VerifyAdvice(Optional<String> command, String note) {

  /**
   * @param live whether the app holds a node (spawning, initializing or running)
   * @param codeSha256 the code digest in the enclave's verified evidence (present once the owner
   *     provisioned its key)
   * @param simulation the operator's nodes run in the simulated TEE (users must accept it)
   */
  static VerifyAdvice of(
      boolean live,
      SslOrigin origin,
      String domain,
      String enclaveDomain,
      int proxyPort,
      Optional<String> codeSha256,
      boolean simulation) {
    if (!live) {
      return new VerifyAdvice(
          Optional.empty(), "The app no longer runs: there is no enclave to verify.");
    }
    if (origin == SslOrigin.OPERATOR) {
      return new VerifyAdvice(
          Optional.empty(),
          "TLS of this app ends at the operator's proxy (--untrusted-ssl): its users cannot verify"
              + " the enclave through its address.");
    }
    if (codeSha256.isEmpty()) {
      return new VerifyAdvice(
          Optional.empty(),
          "The command appears once the enclave has its code key (provisioned by the owner's"
              + " deploy): the code digest it checks is then in the enclave's evidence.");
    }
    String hostPort = proxyPort == 443 ? domain : domain + ":" + proxyPort;
    String command =
        "mse cloud verify "
            + hostPort
            + " --fingerprint "
            + codeSha256.get()
            // a custom domain does not name the enclave: verify asks it by its enclave name
            + (origin == SslOrigin.OWNER ? " --enclave " + enclaveDomain : "")
            + (simulation ? " --allow-simulation" : "");
    return new VerifyAdvice(
        Optional.of(command),
        "Users run this before trusting the app: it checks the enclave's fresh evidence and"
            + " writes the verified certificate to cert.pem."
            + (simulation
                ? " --allow-simulation is there because this operator runs a simulated TEE."
                : ""));
  }
}
