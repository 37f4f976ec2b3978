package dev.mags.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The host's memory and what is available of it now, from /proc/meminfo (zeros when it cannot be read). */
record HostMemory(long totalBytes, long availableBytes) {
    static HostMemory read() {
        long total = 0;
        long available = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                String[] f = line.split("\\s+");
                if (f[0].equals("MemTotal:")) {
                    total = Long.parseLong(f[1]) * 1024;
                } else if (f[0].equals("MemAvailable:")) {
                    available = Long.parseLong(f[1]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return new HostMemory(0, 0);
        }
        return new HostMemory(total, available);
    }
}
