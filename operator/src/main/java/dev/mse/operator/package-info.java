/**
 * The operator's control plane: HTTP API ({@code api}), accounts and tokens ({@code account}), the
 * database ({@code store}), app lifecycle ({@code apps}), node providers ({@code node}) and the SNI
 * proxy ({@code proxy}). Depends on {@code protocol} and {@code attestation}, never on the CLI or
 * the enclave runtime's code.
 */
package dev.mse.operator;
