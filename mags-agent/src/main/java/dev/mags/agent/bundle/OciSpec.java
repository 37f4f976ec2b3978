package dev.mags.agent.bundle;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.mags.agent.security.SeccompProfile;
import java.util.List;

/**
 * The subset of the OCI runtime specification (config.json, version 1.0.2) that the agent writes.
 * Field names are the specification's; null fields are left out. To support a new feature (user
 * resource limits), add its record here and fill it in {@link OciSpecFactory}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OciSpec(String ociVersion, Process process, Root root, String hostname, List<Mount> mounts, Linux linux) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Process(boolean terminal, User user, List<String> args, List<String> env, String cwd,
            Capabilities capabilities, List<Rlimit> rlimits, boolean noNewPrivileges) {}

    public record User(long uid, long gid) {}

    public record Capabilities(List<String> bounding, List<String> effective, List<String> permitted) {}

    public record Rlimit(String type, long hard, long soft) {}

    public record Root(String path, boolean readonly) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Mount(String destination, String type, String source, List<String> options) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Linux(Resources resources, String cgroupsPath, List<Namespace> namespaces,
            List<String> maskedPaths, List<String> readonlyPaths, List<IdMap> uidMappings, List<IdMap> gidMappings,
            SeccompProfile seccomp) {}

    /** Ids {@code containerID ..+size} of the user namespace are host ids {@code hostID ..+size}. */
    public record IdMap(long containerID, long hostID, long size) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Resources(List<DeviceRule> devices, Memory memory, Cpu cpu, Pids pids) {}

    /** {@code swap} is the limit of memory plus swap, as in the specification. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Memory(long limit, Long swap, Long swappiness) {}

    /** CFS bandwidth: {@code quota} microseconds of CPU time per {@code period} microseconds. */
    public record Cpu(long quota, long period) {}

    /** A device cgroup rule; null type, major or minor mean "all". */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeviceRule(boolean allow, String type, Long major, Long minor, String access) {}

    public record Pids(long limit) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Namespace(String type, String path) {
        public static Namespace of(String type) {
            return new Namespace(type, null);
        }
    }
}
