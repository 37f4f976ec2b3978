/**
 * The control plane's side of a cluster of agents ({@code magsd agent} on each host): the agents' heartbeats
 * ({@code HeartbeatRoute}) kept in the state store ({@code AgentRegistry}), the {@code AgentDirectory} over the live
 * ones ({@code ClusterDirectory}: placement by best of two, a {@code RemoteAgent} per agent), and the monitor that
 * declares a silent agent lost and ends the sandboxes this control plane knew on it ({@code AgentMonitor}).
 */
package dev.mags.controlplane.cluster;
