/** A sandbox's stdout and stderr, read on virtual threads and handed over line by line. */
package dev.mags.agent.output;
