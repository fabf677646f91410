package dev.mse.cli.quote;

import dev.mse.attestation.snp.SnpReport;
import dev.mse.attestation.trust.AmdRoots.Product;
import dev.mse.cli.UserError;

/**
 * Which product to ask AMD's KDS for. Only a choice of URL: whatever comes back is checked against
 * the pinned roots, so a wrong guess fails verification, it cannot pass it.
 */
final class KdsProducts {
  private KdsProducts() {}

  /**
   * Version 3 reports carry the CPUID: family 0x19 models 0x00-0x0F are Milan, 0x10-0x1F and
   * 0xA0-0xAF Genoa; family 0x1A is Turin. Version 2 reports predate Turin and say nothing: Milan,
   * the product most of them come from, is asked for (give --vcek for a Genoa version 2 report).
   */
  static Product of(SnpReport report) {
    if (report.version() < 3) {
      return Product.MILAN;
    }
    int family = report.cpuid().family();
    int model = report.cpuid().model();
    if (family == 0x19 && model <= 0x0f) {
      return Product.MILAN;
    }
    if (family == 0x19 && (model <= 0x1f || (model >= 0xa0 && model <= 0xaf))) {
      return Product.GENOA;
    }
    if (family == 0x1a) {
      return Product.TURIN;
    }
    throw new UserError(
        String.format(
            "the report's CPU (family 0x%02x, model 0x%02x) is not Milan, Genoa or Turin: give"
                + " --vcek",
            family, model));
  }
}
