/** Untrusted text made safe to show: bounded, with nothing that hides or reorders what follows. */
package dev.mse.protocol.text;
