/** The seam to operating-system processes: one launcher interface and a runner with timeouts. */
package dev.mags.agent.process;
