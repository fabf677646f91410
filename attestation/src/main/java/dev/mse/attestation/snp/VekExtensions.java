package dev.mse.attestation.snp;

import dev.mse.attestation.codec.ByteString;
import java.util.Optional;

/**
 * The AMD extensions of a VCEK or VLEK certificate: the TCB the key was derived for, the product
 * and, for a VCEK, the chip it belongs to (hwID; 64 bytes, or 8 on Turin), for a VLEK the cloud
 * provider it was issued to.
 */
public record VekExtensions(
    String productName,
    int bootloader,
    int tee,
    int snp,
    int microcode,
    Optional<Integer> fmc,
    Optional<ByteString> hwId,
    Optional<String> cspId) {}
