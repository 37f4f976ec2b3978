/** Sandbox cgroup directories in every cgroup hierarchy. */
package dev.mags.agent.cgroup;
