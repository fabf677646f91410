package dev.mse.protocol.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.attestation.codec.ByteString;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class PackageCipherProperties {

  @Property(tries = 200)
  void decryptInvertsEncrypt(
      @ForAll @Size(max = 5000) byte[] plain,
      @ForAll @Size(32) byte[] key,
      @ForAll @Size(max = 64) byte[] ad)
      throws Exception {
    PackageKey k = PackageKey.of(key);
    assertThat(PackageCipher.decrypt(PackageCipher.encrypt(plain, k, ad), k, ad)).isEqualTo(plain);
  }

  @Property(tries = 200)
  void sameSaltSameBytes(
      @ForAll @Size(max = 3000) byte[] plain,
      @ForAll @Size(32) byte[] key,
      @ForAll @Size(32) byte[] salt) {
    PackageKey k = PackageKey.of(key);
    ByteString s = ByteString.of(salt);
    assertThat(PackageCipher.encrypt(plain, k, new byte[0], s))
        .isEqualTo(PackageCipher.encrypt(plain, k, new byte[0], s));
  }

  @Property(tries = 300)
  void anyFlipFails(
      @ForAll @Size(max = 2000) byte[] plain,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int position,
      @ForAll @IntRange(min = 1, max = 255) int mask) {
    PackageKey k = PackageKey.generate();
    byte[] ct = PackageCipher.encrypt(plain, k, new byte[0]);
    int i = position % ct.length;
    ct[i] ^= (byte) mask;
    assertThatThrownBy(() -> PackageCipher.decrypt(ct, k, new byte[0]))
        .isInstanceOf(PackageIntegrityException.class);
  }

  @Property(tries = 300)
  void anyTruncationFails(
      @ForAll @Size(max = 2000) byte[] plain, @ForAll @IntRange(min = 0) int cut) {
    PackageKey k = PackageKey.generate();
    byte[] ct = PackageCipher.encrypt(plain, k, new byte[0]);
    byte[] shorter = java.util.Arrays.copyOf(ct, cut % ct.length);
    assertThatThrownBy(() -> PackageCipher.decrypt(shorter, k, new byte[0]))
        .isInstanceOf(PackageIntegrityException.class);
  }
}
