/**
 * Files users upload for their jobs ({@code POST /api/v1/mags-files}): streamed part by part into the bucket,
 * recorded once complete, placed at {@code /root/<name>} of the jobs that name them, removed after a retention
 * time since their last use.
 */
package dev.mags.controlplane.files;
