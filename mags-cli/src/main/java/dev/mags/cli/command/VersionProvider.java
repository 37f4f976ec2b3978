package dev.mags.cli.command;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code mags --version}: the version Maven wrote into {@code version.properties}. */
public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("/dev/mags/cli/version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        }
        return new String[] {
            "mags " + properties.getProperty("version", "unknown"),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor", "?") + ")"
        };
    }
}
