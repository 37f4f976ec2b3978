/**
 * What a sandbox may do: the user namespace (which host ids its users are, and the shift that makes
 * base images theirs), the capabilities it keeps, the seccomp profile and the kernel paths it must
 * not see or change. The OCI bundle renders this policy; nothing here runs a sandbox.
 */
package dev.mags.agent.security;
