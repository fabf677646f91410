/**
 * The bytes that parties exchange: {@code mse.toml}, the encrypted app package, the deployment
 * configuration and the provisioning message. Depends on {@code attestation} only.
 */
package dev.mse.protocol;
