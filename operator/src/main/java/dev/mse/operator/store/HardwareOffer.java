package dev.mse.operator.store;

/**
 * What an app can run on.
 *
 * @param name the offer's name ({@code 4g})
 * @param memoryMb memory of the node
 * @param cores CPU cores of the node
 * @param enclaveSizeMb the enclave size the runtime is given
 */
public record HardwareOffer(String name, int memoryMb, int cores, int enclaveSizeMb) {}
