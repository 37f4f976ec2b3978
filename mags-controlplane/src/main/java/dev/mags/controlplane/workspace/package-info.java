/** Local workspaces: names per user, one job at a time in each, removed after an idle time. */
package dev.mags.controlplane.workspace;
