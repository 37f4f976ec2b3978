/**
 * One sandbox's life: build a container whose init waits (disk, overlay, bundle, create, start), run
 * a job's command in it with exec, watch it, tell why it ended, kill and release it — with a cleanup
 * stack.
 */
package dev.mags.agent.sandbox;
