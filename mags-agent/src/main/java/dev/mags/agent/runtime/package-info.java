/** The OCI runtime (runc) command line and its JSON log. */
package dev.mags.agent.runtime;
