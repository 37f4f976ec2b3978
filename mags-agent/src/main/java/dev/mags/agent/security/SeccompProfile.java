package dev.mags.agent.security;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The sandboxes' seccomp filter, kept as {@code seccomp.json} next to this class in the OCI
 * config.json format and embedded as it is (less the comments) into every sandbox's config.json.
 *
 * <p>Default allow with explicit denials, not Docker's allow-list: the sandbox is already an
 * unprivileged user namespace with a small capability set, so the filter's job is to take away the
 * kernel interfaces that neither root-in-a-namespace nor anyone else in a sandbox needs and that
 * escapes go through (modules, kexec, bpf, keyrings, mounts, new namespaces, file handles, io_uring,
 * ...). An allow-list breaks programs whenever a C library starts using a newer system call; the
 * price of a deny-list is that system calls added by newer kernels are allowed until they are added
 * here (and a name libseccomp does not know yet is skipped by runc), so review the list when the
 * kernel or libseccomp is upgraded.
 *
 * <p>Rules can only deny, and runc ORs conditions on the same argument, so "personality other than
 * 0, 8, 0x20000, 0x20008 and the query 0xffffffff" is written as one rule per bit: a bit outside
 * 0x20008 set while bit 31 is clear, or bit 31 set while another bit is clear. SeccompProfileTest
 * evaluates the rules to check such encodings.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SeccompProfile(String defaultAction, List<String> architectures, List<Rule> syscalls) {
    public static final String RESOURCE = "seccomp.json";

    public SeccompProfile {
        architectures = List.copyOf(architectures);
        syscalls = List.copyOf(syscalls);
    }

    /**
     * System calls {@code names} get {@code action} when every condition in {@code args} holds.
     *
     * @param comment why; in the resource only, never written to config.json
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Rule(
            @JsonProperty(value = "comment", access = JsonProperty.Access.WRITE_ONLY) String comment,
            List<String> names, String action, Integer errnoRet, List<Arg> args) {
        public Rule {
            names = List.copyOf(names);
            args = args == null ? null : List.copyOf(args);
        }
    }

    /** {@code op} compares argument {@code index} with {@code value} (and {@code valueTwo}; for SCMP_CMP_MASKED_EQ: {@code (arg & value) == valueTwo}). */
    public record Arg(int index, long value, long valueTwo, String op) {}

    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The profile in the agent's resources. */
    public static SeccompProfile standard() {
        try (InputStream in = SeccompProfile.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the seccomp profile " + RESOURCE + " is missing from the agent's resources");
            }
            return JSON.readValue(in, SeccompProfile.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the seccomp profile " + RESOURCE, e);
        }
    }

    /** The rules that name {@code syscall}. */
    public List<Rule> rulesFor(String syscall) {
        return syscalls.stream().filter(r -> r.names().contains(syscall)).toList();
    }
}
