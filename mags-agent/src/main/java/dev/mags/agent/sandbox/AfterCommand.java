package dev.mags.agent.sandbox;

import java.util.function.Supplier;

/**
 * What happens to a container when its command ends.
 *
 * @param keepContainer when the command ended by itself and the container's init still runs, the
 *     container stays (a persistent workspace's sandbox: what the command left in the background keeps
 *     running and the next command runs in it); otherwise it is killed and released as always
 * @param beforeRelease runs after the container was killed and before it is released, while its disk
 *     is still mounted (the final sync of a stored workspace); returns a note for the exit detail, empty
 *     when all went well
 */
public record AfterCommand(boolean keepContainer, Supplier<String> beforeRelease) {
    public static final AfterCommand RELEASE = new AfterCommand(false, () -> "");
}
