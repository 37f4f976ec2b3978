/*
 * escape-probe: tries privileged operations a sandbox must not be able to do, one per argument,
 * and prints "NAME: OK" or "NAME: ERRNO" (EPERM, ENOSYS, ...) for each. Used by the escape
 * integration tests, which compile it with gcc -static into a test image when gcc is available.
 * Every attempt is harmless if it succeeds (a no-op or a read), because tests must be safe to run
 * on a developer's machine even when isolation is broken.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/inotify.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long attempt(const char *name, long pid_arg) {
    char buf[64] = {0};
    if (!strcmp(name, "init_module")) return syscall(SYS_init_module, buf, sizeof buf, "");
    if (!strcmp(name, "finit_module")) return syscall(SYS_finit_module, open("/bin/busybox", O_RDONLY), "", 0);
    if (!strcmp(name, "delete_module")) return syscall(SYS_delete_module, "mags_no_such_module", O_NONBLOCK);
    if (!strcmp(name, "kexec_load")) return syscall(SYS_kexec_load, 0, 0, NULL, 0);
    if (!strcmp(name, "kexec_file_load")) return syscall(SYS_kexec_file_load, -1, -1, 0, "", 0);
    if (!strcmp(name, "bpf")) return syscall(SYS_bpf, 0 /* BPF_MAP_CREATE */, buf, sizeof buf);
    if (!strcmp(name, "perf_event_open")) {
        struct perf_event_attr attr = {.type = PERF_TYPE_SOFTWARE, .size = sizeof attr,
            .config = PERF_COUNT_SW_CPU_CLOCK, .disabled = 1, .exclude_kernel = 1};
        return syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
    }
    if (!strcmp(name, "add_key")) return syscall(SYS_add_key, "user", "mags-probe", "x", 1, KEY_SPEC_PROCESS_KEYRING);
    if (!strcmp(name, "keyctl")) return syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
    if (!strcmp(name, "request_key")) return syscall(SYS_request_key, "user", "mags-probe", NULL, 0);
    if (!strcmp(name, "ptrace_traceme")) {
        /* In a child: a traced probe would stop at its next signal, its tracer (the shell) never waits. */
        pid_t pid = fork();
        if (pid == 0) _exit(ptrace(PTRACE_TRACEME, 0, 0, 0) < 0 ? errno : 0);
        int status = 0;
        waitpid(pid, &status, 0);
        errno = WEXITSTATUS(status);
        return errno ? -1 : 0;
    }
    if (!strcmp(name, "ptrace_attach")) return ptrace(PTRACE_ATTACH, pid_arg, 0, 0);
    if (!strcmp(name, "process_vm_readv")) {
        struct iovec local = {buf, 8}, remote = {buf, 8};
        return process_vm_readv(pid_arg, &local, 1, &remote, 1, 0);
    }
    if (!strcmp(name, "open_by_handle_at")) {
        struct { unsigned int bytes; int type; unsigned char h[8]; } handle = {8, 1, {0}};
        return syscall(SYS_open_by_handle_at, open("/", O_RDONLY), &handle, O_RDONLY);
    }
    if (!strcmp(name, "name_to_handle_at")) {
        struct { unsigned int bytes; int type; unsigned char h[128]; } handle = {128, 0, {0}};
        int mount_id;
        return syscall(SYS_name_to_handle_at, AT_FDCWD, "/", &handle, &mount_id, 0);
    }
    if (!strcmp(name, "userfaultfd")) return syscall(SYS_userfaultfd, O_CLOEXEC | 1 /* UFFD_USER_MODE_ONLY */);
    if (!strcmp(name, "io_uring_setup")) {
        char params[120] = {0};
        return syscall(SYS_io_uring_setup, 1, params);
    }
    /* NULL arguments: unfiltered, clone3 fails with EFAULT instead of creating a process. */
    if (!strcmp(name, "clone3")) return syscall(SYS_clone3, NULL, 88);
    if (!strcmp(name, "clone_newuser")) {
        long pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
        if (pid == 0) _exit(0);
        if (pid > 0) waitpid(pid, NULL, 0);
        return pid;
    }
    if (!strcmp(name, "unshare_newuser")) return unshare(CLONE_NEWUSER);
    if (!strcmp(name, "unshare_newns")) return unshare(CLONE_NEWNS);
    if (!strcmp(name, "unshare_fs")) return unshare(CLONE_FS);
    if (!strcmp(name, "fork")) {
        pid_t pid = fork();
        if (pid == 0) _exit(0);
        if (pid > 0) waitpid(pid, NULL, 0);
        return pid;
    }
    if (!strcmp(name, "setns")) return setns(open("/proc/self/ns/uts", O_RDONLY), 0);
    if (!strcmp(name, "mount")) return mount("none", "/mnt", "tmpfs", 0, NULL);
    if (!strcmp(name, "umount2")) return umount2("/proc/kcore", MNT_DETACH);
    if (!strcmp(name, "pivot_root")) return syscall(SYS_pivot_root, "/tmp", "/tmp");
    if (!strcmp(name, "fsopen")) return syscall(SYS_fsopen, "tmpfs", 0);
    if (!strcmp(name, "open_tree")) return syscall(SYS_open_tree, AT_FDCWD, "/", 1 /* OPEN_TREE_CLONE */);
    if (!strcmp(name, "swapon")) return swapon("/dev/null", 0);
    if (!strcmp(name, "clock_settime")) {
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        return clock_settime(CLOCK_REALTIME, &now);
    }
    if (!strcmp(name, "settimeofday")) {
        struct timeval now;
        gettimeofday(&now, NULL);
        return settimeofday(&now, NULL);
    }
    if (!strcmp(name, "adjtimex")) {
        struct timex query = {.modes = 0}; /* a read: allowed to everyone without the filter */
        return adjtimex(&query) < 0 ? -1 : 0;
    }
    /* Wrong magic numbers: even with CAP_SYS_BOOT this fails with EINVAL. */
    if (!strcmp(name, "reboot")) return syscall(SYS_reboot, 0, 0, 0, NULL);
    if (!strcmp(name, "acct")) return acct("/no/such/file");
    if (!strcmp(name, "iopl")) return iopl(3);
    if (!strcmp(name, "ioperm")) return ioperm(0x80, 1, 1);
    if (!strcmp(name, "syslog")) return syscall(SYS_syslog, 10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
    if (!strcmp(name, "personality_query")) return personality(0xffffffff) == -1 ? -1 : 0;
    if (!strcmp(name, "personality_linux")) return personality(PER_LINUX) == -1 ? -1 : 0;
    if (!strcmp(name, "personality_no_randomize")) return personality(ADDR_NO_RANDOMIZE) == -1 ? -1 : 0;
    if (!strcmp(name, "personality_bit31")) return personality(0x80000000 | ADDR_NO_RANDOMIZE) == -1 ? -1 : 0;
    if (!strcmp(name, "modify_ldt")) return syscall(SYS_modify_ldt, 0, buf, sizeof buf);
    if (!strcmp(name, "vhangup")) return vhangup();
    if (!strcmp(name, "uselib")) return syscall(SYS_uselib, "/no/such/library");
    if (!strcmp(name, "mknod_block")) return mknod("/tmp/probe-block", S_IFBLK | 0600, makedev(254, 0));
    if (!strcmp(name, "chroot")) return chroot("/");
    if (!strcmp(name, "inotify_init")) return inotify_init1(IN_CLOEXEC);
    if (!strcmp(name, "inotify_add_watch")) {
        int fd = inotify_init1(IN_CLOEXEC);
        return fd < 0 ? -1 : inotify_add_watch(fd, "/", IN_ATTRIB);
    }
    errno = EINVAL;
    fprintf(stderr, "escape-probe: unknown attempt %s\n", name);
    exit(2);
}

/*
 * The open-file flood: holds as many of the host's open files as the sandbox lets it. Forks children until
 * fork fails (the pids limit); each child opens a file until open fails ("descriptors": the RLIMIT_NOFILE), or
 * maps a file and closes its descriptor until mmap fails ("mappings": a mapping keeps the file open without a
 * descriptor, so only memory bounds it), reports its count through a pipe and waits. The mapped file is on
 * /dev/shm, a tmpfs: a file of the overlay root would be mapped through its backing file, which the kernel
 * does not count among the open files. Prints the totals, then
 * "ready", and waits to be killed with the sandbox. A child the OOM killer takes reports nothing; the parent
 * stops at the first child that held nothing.
 */
static const char *MAPPED = "/dev/shm/escape-probe";

static int hold_one(int mappings) {
    int held = 0;
    for (;;) {
        int fd = open(mappings ? MAPPED : "/dev/null", O_RDONLY | O_CLOEXEC);
        if (fd < 0) return held;
        if (mappings) {
            void *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
            close(fd);
            if (p == MAP_FAILED) return held;
        }
        held++;
    }
}

static int hold_files(int mappings) {
    long processes = 1, files = 0;
    char first_error[64] = "none";
    if (mappings) {
        int fd = open(MAPPED, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0 || ftruncate(fd, 4096) < 0) {
            printf("held: 1 processes, 0 files, stopped by %s %s\nready\n", MAPPED, strerrorname_np(errno));
            fflush(stdout);
            for (;;) pause();
        }
        close(fd);
    }
    for (;;) {
        int report[2];
        if (pipe(report) < 0) {
            snprintf(first_error, sizeof first_error, "pipe %s", strerrorname_np(errno));
            break;
        }
        pid_t pid = fork();
        if (pid < 0) {
            snprintf(first_error, sizeof first_error, "fork %s", strerrorname_np(errno));
            close(report[0]);
            close(report[1]);
            break;
        }
        if (pid == 0) {
            close(report[0]);
            int held = hold_one(mappings);
            if (write(report[1], &held, sizeof held) != sizeof held) _exit(1);
            for (;;) pause();
        }
        close(report[1]);
        int held = 0;
        ssize_t got = read(report[0], &held, sizeof held);
        close(report[0]);
        if (got != sizeof held || held == 0) break;
        processes++;
        files += held;
    }
    printf("held: %ld processes, %ld files, stopped by %s\nready\n", processes, files, first_error);
    fflush(stdout);
    for (;;) pause();
}

/*
 * The inotify flood: takes as many inotify instances ("instances") or watches ("watches") as the sandbox
 * lets it. The kernel counts them per user, so each child switches to a uid of its own (1000, 1001, ...)
 * before it takes what it can: a limit per user would give every child a full share. Each child reports its
 * count and the error that stopped it through a pipe, and waits, holding what it took; the parent stops at
 * the first child that got nothing (or after MAX_USERS). Watches are on files of WATCHED, one watch per file
 * and instance, so the files outnumber any limit under test. Prints the totals, then "ready".
 */
static const char *WATCHED = "/tmp/escape-probe-watched";
enum { MAX_USERS = 64 };

static long take_inotify(int watches, long files, int *error) {
    long held = 0;
    int fd = -1;
    for (;;) {
        if (!watches || fd < 0) {
            fd = inotify_init1(IN_CLOEXEC);
            if (fd < 0) break;
            if (!watches) {
                held++;
                continue;
            }
        }
        if (held >= files) {
            errno = 0;
            break;
        }
        char path[64];
        snprintf(path, sizeof path, "%s/%ld", WATCHED, held);
        if (inotify_add_watch(fd, path, IN_ATTRIB) < 0) break;
        held++;
    }
    *error = errno;
    return held;
}

static int hold_inotify(int watches, long files) {
    if (watches) {
        mkdir(WATCHED, 0755);
        for (long i = 0; i < files; i++) {
            char path[64];
            snprintf(path, sizeof path, "%s/%ld", WATCHED, i);
            close(open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
        }
    }
    long total = 0, users = 0, tried = 0;
    char first_error[64] = "none";
    for (uid_t uid = 1000; uid < 1000 + MAX_USERS; uid++) {
        int report[2];
        if (pipe(report) < 0) break;
        pid_t pid = fork();
        if (pid < 0) {
            snprintf(first_error, sizeof first_error, "fork %s", strerrorname_np(errno));
            break;
        }
        if (pid == 0) {
            close(report[0]);
            long result[2] = {-1, 0};
            if (setgroups(0, NULL) == 0 && setgid(uid) == 0 && setuid(uid) == 0) {
                int error = 0;
                result[0] = take_inotify(watches, files, &error);
                result[1] = error;
            } else {
                result[1] = errno;
            }
            if (write(report[1], result, sizeof result) != sizeof result) _exit(1);
            for (;;) pause();
        }
        close(report[1]);
        long result[2] = {0, 0};
        ssize_t got = read(report[0], result, sizeof result);
        close(report[0]);
        tried++;
        if (got != sizeof result || result[0] < 0) {
            snprintf(first_error, sizeof first_error, "setuid %s", strerrorname_np((int) result[1]));
            break;
        }
        if (result[1] && !strcmp(first_error, "none")) {
            snprintf(first_error, sizeof first_error, "%s", strerrorname_np((int) result[1]));
        }
        if (result[0] == 0) break;
        users++;
        total += result[0];
    }
    printf("inotify: %ld %s, held by %ld of %ld users, stopped by %s\nready\n", total,
           watches ? "watches" : "instances", users, tried, first_error);
    fflush(stdout);
    for (;;) pause();
}

int main(int argc, char **argv) {
    long pid_arg = 1;
    if (argc == 2 && !strcmp(argv[1], "hold_descriptors")) return hold_files(0);
    if (argc == 2 && !strcmp(argv[1], "hold_mappings")) return hold_files(1);
    if (argc == 2 && !strcmp(argv[1], "hold_inotify_instances")) return hold_inotify(0, 0);
    if (argc == 3 && !strcmp(argv[1], "hold_inotify_watches")) return hold_inotify(1, atol(argv[2]));
    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "--pid=", 6)) {
            pid_arg = atol(argv[i] + 6);
            continue;
        }
        errno = 0;
        long rc = attempt(argv[i], pid_arg);
        printf("%s: %s\n", argv[i], rc < 0 ? strerrorname_np(errno) : "OK");
    }
    return 0;
}
