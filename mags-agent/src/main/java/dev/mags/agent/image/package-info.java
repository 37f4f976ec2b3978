/** Base images on disk and the recipes that build them (busybox, Debian via mmdebstrap). */
package dev.mags.agent.image;
