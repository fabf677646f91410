package dev.mse.operator.console;

import java.util.List;

/**
 * What the console's templates show: plain text already formatted for people (times to the second,
 * UTC), absent values as null. jte escapes every value it writes, so none of these is trusted HTML.
 */
public final class ConsoleViews {
  private ConsoleViews() {}

  /** The frame of every signed-in page: title, who is signed in, the form token, the nav item. */
  public record Chrome(String title, String email, String csrf, String active) {}

  public record LoginPage(String csrf, String error) {}

  public record Option(String value, String label, boolean selected) {}

  public record AppRow(
      String id,
      String name,
      String project,
      String status,
      String domain,
      String trust,
      String tee,
      String expires) {}

  public record AppsPage(
      Chrome chrome,
      List<AppRow> apps,
      List<Option> projects,
      List<Option> statuses,
      boolean more,
      String error) {}

  public record HistoryEntry(String at, String status, String note) {}

  public record Pair(String name, String value) {}

  /** The evidence the operator verified from the app's enclave, as shown on its page. */
  public record EvidenceView(
      String verifiedAt,
      boolean accepted,
      boolean simulated,
      String tee,
      String tcbStatus,
      List<String> advisories,
      List<Pair> measurements,
      String codeSha256,
      String packageSha256,
      String state,
      String runtime,
      List<String> reasons) {}

  public record AppPage(
      Chrome chrome,
      AppRow app,
      String url,
      String enclaveDomain,
      String failure,
      List<HistoryEntry> history,
      EvidenceView evidence,
      String evidenceProblem,
      String verifyCommand,
      String verifyNote,
      boolean stoppable) {}

  public record StopPage(Chrome chrome, AppRow app) {}

  public record QuotaRow(String hardware, int used, int max) {}

  public record ProjectRow(
      String id, String name, String description, String created, List<QuotaRow> quotas) {}

  public record ProjectsPage(Chrome chrome, List<ProjectRow> projects, String error) {}

  public record TokenRow(String id, String name, String created, String lastUsed, String expires) {}

  /**
   * @param newSecret the token just created: shown on this answer only, never stored in clear
   */
  public record TokensPage(
      Chrome chrome, List<TokenRow> tokens, String newName, String newSecret, String error) {}

  public record HardwareRow(String name, int memoryMb, int cores, int enclaveSizeMb) {}

  public record HardwarePage(Chrome chrome, List<HardwareRow> offers, String defaultOffer) {}

  public record AccountPage(
      Chrome chrome, String email, String created, String message, String error) {}

  public record ErrorPage(Chrome chrome, int status, String message) {}
}
