/** OCI bundles: the sandbox's config.json, built from records. */
package dev.mags.agent.bundle;
