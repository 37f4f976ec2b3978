/** One sandbox's life: prepare, start, watch, stop, release — with a cleanup stack. */
package dev.mags.agent.sandbox;
