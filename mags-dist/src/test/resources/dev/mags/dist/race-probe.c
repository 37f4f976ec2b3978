/*
 * What a sandbox's process does to race the host's sync: in DIR, exchanges dN with lN for every N below
 * PAIRS with renameat2(RENAME_EXCHANGE), for ever. dN is a directory, lN a symlink to a host directory;
 * each exchange atomically trades their names. Built statically by SyncSymlinkRaceE2EIT for a busybox image.
 * Usage: race-probe DIR PAIRS
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: race-probe DIR PAIRS\n");
        return 2;
    }
    if (chdir(argv[1]) != 0) {
        perror(argv[1]);
        return 1;
    }
    int pairs = atoi(argv[2]);
    char d[32];
    char l[32];
    for (;;) {
        for (int i = 0; i < pairs; i++) {
            snprintf(d, sizeof d, "d%d", i);
            snprintf(l, sizeof l, "l%d", i);
            if (syscall(SYS_renameat2, AT_FDCWD, d, AT_FDCWD, l, RENAME_EXCHANGE) != 0) {
                perror("renameat2");
                return 1;
            }
        }
    }
}
