package dev.mags.controlplane.apps;

import dev.mags.controlplane.error.BadRequestException;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** What a subdomain may be: a DNS label, not a reserved name; and the random ones job URLs get. */
final class Subdomains {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    /** Names an operator may want for the server itself, and names that mislead visitors. */
    static final Set<String> RESERVED = Set.of("www", "api", "app", "apps", "admin", "dashboard", "console", "mags",
            "magsd", "ssh", "mail", "smtp", "ftp", "static", "assets", "cdn", "status", "docs", "help", "support",
            "login", "auth", "oauth", "account", "accounts", "billing", "metrics", "health", "localhost", "ns1", "ns2");
    private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();
    /** Generated names: 12 characters of 32, so that guessing one is hopeless (60 bits). */
    private static final int GENERATED_LENGTH = 12;

    private final SecureRandom random = new SecureRandom();

    static String checkedAlias(String subdomain) {
        if (subdomain == null || subdomain.isBlank()) {
            throw new BadRequestException("invalid_field", "'subdomain' is required");
        }
        String s = subdomain.toLowerCase(Locale.ROOT);
        if (!LABEL.matcher(s).matches()) {
            throw new BadRequestException("invalid_subdomain", "'" + subdomain + "' is not a subdomain: use 1 to 63 "
                    + "letters, digits and hyphens, not starting or ending with a hyphen");
        }
        if (RESERVED.contains(s)) {
            throw new BadRequestException("reserved_subdomain", "'" + s + "' is reserved; choose another subdomain");
        }
        return s;
    }

    String generate() {
        char[] out = new char[GENERATED_LENGTH];
        for (int i = 0; i < out.length; i++) {
            out[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(out);
    }
}
