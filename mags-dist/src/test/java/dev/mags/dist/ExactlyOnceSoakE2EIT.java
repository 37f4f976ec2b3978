package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once under crashes: 16 clients, each in a workspace of its own, submit jobs that append a unique
 * token to a file of that workspace while magsd is killed with SIGKILL ten times and restarted on the same
 * data dir. Afterwards every accepted job has a final status, no token is in a file twice (no job ran twice),
 * and the token of every job that ended {@code completed} is there exactly once. The kill times vary from run
 * to run; what is asserted holds for any of them.
 */
class ExactlyOnceSoakE2EIT {
    private static final int CLIENTS = 16;
    private static final int KILLS = 10;
    /** Jobs a client keeps submitted and not yet final, so that a next one waits in its workspace. */
    private static final int IN_FLIGHT = 2;
    private static final String FILE = "/root/tokens";

    @TempDir
    Path tmp;

    /** One client's jobs: accepted (id → token), and tokens whose submission got no answer. */
    private record Client(String workspace, Map<String, String> accepted, List<String> unanswered) {}

    @Test
    void noJobRunsTwiceAcrossTenKillsUnderLoad() throws Exception {
        Path data = tmp.resolve("data");
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(new Client("soak-" + i, new ConcurrentHashMap<>(), new CopyOnWriteArrayList<>()));
        }
        ConcurrentLinkedQueue<String> refusals = new ConcurrentLinkedQueue<>();
        // 16 clients of one user, beyond the per-user limits' defaults on a small host: admission is not tested here.
        try (MagsdFixture magsd = new MagsdFixture(data, TestImages.busybox(), "busybox")
                .with("--max-sandboxes-per-user", "0", "--max-memory-per-user-mb", "0", "--max-cpus-per-user", "0",
                        // about restarts, not disks: its jobs' sparse disks are written nothing, whatever the host has free
                        "--disk-overcommit", "100")
                .start()) {
            Api api = new Api(magsd.url(), magsd.adminToken());
            AtomicBoolean submitting = new AtomicBoolean(true);
            List<Thread> threads = new ArrayList<>();
            try {
                for (Client c : clients) {
                    threads.add(Thread.ofPlatform().daemon().name("soak-" + c.workspace())
                            .start(() -> submitLoop(api, c, submitting, refusals)));
                }
                Random random = new Random();
                for (int kill = 1; kill <= KILLS; kill++) {
                    Thread.sleep(1500 + random.nextInt(3000)); // under load: jobs launching, running and ending
                    magsd.crash();
                    magsd.start();
                }
                Thread.sleep(1000);
            } finally {
                submitting.set(false);
            }
            for (Thread t : threads) {
                t.join(Duration.ofMinutes(3));
                assertThat(t.isAlive()).as("client %s still waiting for its jobs", t.getName()).isFalse();
            }
            assertThat(refusals).as("submissions the server refused").isEmpty();

            Map<String, Integer> outcomes = new TreeMap<>();
            for (Client c : clients) {
                check(api, c, outcomes);
            }
            int unanswered = clients.stream().mapToInt(c -> c.unanswered().size()).sum();
            System.out.printf("exactly-once soak: %d kills, %d accepted jobs, %d submissions without answer; outcomes %s%n",
                    KILLS, outcomes.values().stream().mapToInt(Integer::intValue).sum(), unanswered, outcomes);
            assertThat(magsd.leaksAfterRelease()).isEmpty();
        }
    }

    /**
     * Waits for each accepted job of the client to end, then reads the client's token file: no line twice, none
     * that no job of the client wrote, and the token of every completed job in it. Counts the outcomes.
     */
    private static void check(Api api, Client c, Map<String, Integer> outcomes) throws Exception {
        Map<String, String> jobByToken = new HashMap<>();
        Map<String, String> outcomeByToken = new HashMap<>();
        for (Map.Entry<String, String> job : c.accepted().entrySet()) {
            String outcome = outcome(api.awaitFinal(job.getKey(), Duration.ofMinutes(2))); // every accepted job ends
            jobByToken.put(job.getValue(), job.getKey());
            outcomeByToken.put(job.getValue(), outcome);
            outcomes.merge(outcome, 1, Integer::sum);
        }
        Map<String, Long> times = tokensInFile(api, c.workspace());
        assertThat(times.keySet()).as("lines of %s that no job of its client wrote", c.workspace())
                .allMatch(t -> outcomeByToken.containsKey(t) || c.unanswered().contains(t));
        times.forEach((token, n) -> assertThat(n).as("times token %s (job %s, %s) is in %s: a job ran twice",
                token, jobByToken.get(token), outcomeByToken.get(token), c.workspace()).isEqualTo(1L));
        outcomeByToken.forEach((token, outcome) -> {
            if (outcome.equals("completed")) {
                assertThat(times.getOrDefault(token, 0L)).as("times the token %s of completed job %s is in %s",
                        token, jobByToken.get(token), c.workspace()).isEqualTo(1L);
            }
        });
    }

    /** A final status, with the kind of an error (its message without the ids and times in it). */
    private static String outcome(JsonNode status) {
        if (!status.get("status").asText().equals("error")) {
            return status.get("status").asText();
        }
        String m = status.path("error_message").asText();
        int cut = m.indexOf(';');
        return "error: " + (cut < 0 ? m : m.substring(0, cut));
    }

    /**
     * Submits jobs until told to stop, keeping {@link #IN_FLIGHT} of them unfinished; a submission that got
     * no answer (magsd was killed) may or may not have been accepted, and is remembered as such.
     */
    private static void submitLoop(Api api, Client c, AtomicBoolean submitting, ConcurrentLinkedQueue<String> refusals) {
        Deque<String> open = new ArrayDeque<>();
        int n = 0;
        while (submitting.get() || !open.isEmpty()) {
            if (submitting.get() && open.size() < IN_FLIGHT) {
                String token = c.workspace() + "-" + n++;
                Map<String, Object> body = Map.of("script", "echo " + token + " >> " + FILE, "workspace_id", c.workspace());
                try {
                    Api.Response r = api.post("/api/v1/mags-jobs", Api.JSON.writeValueAsString(body));
                    if (r.status() == 202) {
                        String id = r.body().get("request_id").asText();
                        c.accepted().put(id, token);
                        open.add(id);
                    } else {
                        refusals.add(r.status() + " " + r.body());
                    }
                } catch (UncheckedIOException down) {
                    c.unanswered().add(token);
                    awaitUp(api);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
                continue;
            }
            String oldest = open.peek();
            try {
                String status = api.get("/api/v1/mags-jobs/" + oldest + "/status").body().path("status").asText();
                if (status.equals("completed") || status.equals("error")) {
                    open.poll();
                } else {
                    pause(50);
                }
            } catch (UncheckedIOException down) {
                awaitUp(api);
            }
        }
    }

    /** Waits while magsd is down (killed, not yet restarted). */
    private static void awaitUp(Api api) {
        while (true) {
            try {
                api.get("/healthz");
                return;
            } catch (UncheckedIOException down) {
                pause(50);
            }
        }
    }

    /** How often each line is in the workspace's token file, read by a last job in that workspace. */
    private static Map<String, Long> tokensInFile(Api api, String workspace) throws Exception {
        Api.Response r = api.post("/api/v1/mags-jobs", Api.JSON.writeValueAsString(Map.of(
                "script", "cat " + FILE + " 2>/dev/null; true", "workspace_id", workspace)));
        assertThat(r.status()).as(r.body().toString()).isEqualTo(202);
        String id = r.body().get("request_id").asText();
        assertThat(api.awaitFinal(id, Duration.ofMinutes(1)).get("status").asText()).isEqualTo("completed");
        List<String> lines = new ArrayList<>();
        for (JsonNode entry : api.get("/api/v1/mags-jobs/" + id + "/logs").body().get("logs")) {
            lines.add(entry.get("message").asText());
        }
        return lines.stream().collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
