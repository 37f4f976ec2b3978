package dev.mags.cli.mcp;

/** Runs one command in a live sandbox and returns once it ends; the seam between the tools and the exec route. */
interface SandboxExec {
    /**
     * @param jobOrName a request id, a job name or a workspace name
     * @param stdin     text for the command's standard input; null: it reads end of file
     * @param timeout   seconds after which the server kills the command; null: no limit
     * @throws ExecUnavailableException when the server has no exec route
     * @throws dev.mags.sdk.MagsException when the server refused or could not be reached
     */
    ExecAnswer exec(String jobOrName, String command, String stdin, Integer timeout);

    /** The server answered that it has no route for exec: it predates it. */
    final class ExecUnavailableException extends RuntimeException {
        ExecUnavailableException() {
            super("exec is not available on this server yet (it has no route POST /api/v1/mags-jobs/{id}/exec)");
        }
    }
}
