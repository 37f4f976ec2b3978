/**
 * What a sandbox may do: the user namespace (which host ids its users are, the shift that makes base
 * images theirs, and the namespace above it that holds its inotify limits), the capabilities it keeps,
 * the seccomp profile and the kernel paths it must not see or change. The OCI bundle renders this policy;
 * {@link dev.mags.agent.security.SandboxUserNamespaces} makes the user namespaces a sandbox joins.
 * Nothing here runs a sandbox.
 */
package dev.mags.agent.security;
