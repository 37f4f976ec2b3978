/** A process's stdout and stderr, read on platform threads and handed over as bytes until its exit is reported. */
package dev.mags.agent.output;
