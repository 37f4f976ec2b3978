package dev.mags.controlplane.ssh.session;

/** What the gateway tells an SSH user on stderr when it cannot do what was asked. */
final class Messages {
    private Messages() {}

    /** The same words whether the name is unknown or another user's: nothing tells the two apart. */
    static String notFound(String loginName) {
        String name = printable(loginName);
        return "mags: no sandbox named '" + name + "' among your jobs and workspaces (the SSH login name is a job's"
                + " name, a workspace's name or a request id); `mags list` shows your jobs, `mags new " + name
                + "` starts one";
    }

    static String cannotResolve(String loginName, RuntimeException e) {
        return "mags: cannot look up sandbox '" + printable(loginName) + "': " + e.getMessage() + "; try again";
    }

    static String cannotStart(String what, String sandbox, RuntimeException e) {
        return "mags: cannot start " + what + " in sandbox '" + printable(sandbox) + "': " + e.getMessage();
    }

    /** A login name comes from the client: control characters are not echoed to anyone's terminal. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(200).forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }
}
