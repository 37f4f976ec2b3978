/**
 * Version 1 of the contract between the control plane and an agent. Everything here is a value
 * record, an enum of typed error codes, or a narrow interface; a change that breaks a peer gets a
 * new version package, never an edit in place.
 */
package dev.mags.protocol.v1;
