package dev.mags.controlplane.ssh.session;

import dev.mags.protocol.v2.ExecSpec;
import dev.mags.protocol.v2.PtySize;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The process an SSH channel starts in the sandbox, with the variables a login gets from the gateway. */
final class ExecSpecs {
    /** bash when the image has it (what people expect at a prompt), else the POSIX shell every image has. */
    static final String LOGIN_SHELL = "if command -v bash >/dev/null 2>&1; then exec bash -l; fi; exec sh -l";
    private static final String DEFAULT_TERM = "xterm";
    private static final String DEFAULT_LANG = "C.UTF-8";

    private ExecSpecs() {}

    /** {@code ssh host}: a login shell, on a terminal when the client asked for one (it does by default). */
    static ExecSpec shell(Map<String, String> channelEnv, PtySize pty) {
        return new ExecSpec(List.of("sh", "-c", LOGIN_SHELL), environment(channelEnv, pty), null, true, pty, null);
    }

    /** {@code ssh host 'cmd'}: {@code sh -c cmd}, with pipes unless the client asked for a terminal ({@code -t}). */
    static ExecSpec command(String commandLine, Map<String, String> channelEnv, PtySize pty) {
        return new ExecSpec(List.of("sh", "-c", commandLine), environment(channelEnv, pty), null, true, pty, null);
    }

    /**
     * The client's locale ({@code LANG}, {@code LC_*}: the channel takes no other variable), and on a terminal
     * its type and size; a terminal without a locale gets C.UTF-8, so that editors show UTF-8 text.
     */
    static Map<String, String> environment(Map<String, String> channelEnv, PtySize pty) {
        Map<String, String> env = new LinkedHashMap<>();
        channelEnv.forEach((name, value) -> {
            if (GatewayChannel.acceptedVariable(name)) {
                env.put(name, value);
            }
        });
        if (pty != null) {
            String term = channelEnv.get("TERM");
            env.put("TERM", term != null && term.matches("[A-Za-z0-9._+-]{1,64}") ? term : DEFAULT_TERM);
            env.put("COLUMNS", Integer.toString(pty.cols()));
            env.put("LINES", Integer.toString(pty.rows()));
            env.putIfAbsent("LANG", DEFAULT_LANG);
        }
        return env;
    }
}
