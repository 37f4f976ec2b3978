/**
 * Where sandboxes are: which agent holds which sandbox and takes a new one ({@code AgentDirectory}, one agent in
 * single-node mode), and which live sandbox serves which job and workspace ({@code LiveSandboxes}).
 */
package dev.mags.controlplane.placement;
