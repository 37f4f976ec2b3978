package dev.mags.agent.network;

import java.net.Inet4Address;

/**
 * An IPv4 network such as {@code 10.0.0.0/8}: an address whose bits below the prefix are zero.
 *
 * @param address the network address as an unsigned 32-bit number in an int
 * @param prefix 0 to 32
 */
public record Cidr(int address, int prefix) implements Comparable<Cidr> {

    public Cidr {
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("prefix length " + prefix + " is not between 0 and 32");
        }
        if ((address & ~mask(prefix)) != 0) {
            throw new IllegalArgumentException(dotted(address) + "/" + prefix
                    + " has bits set below its prefix; the network is " + dotted(address & mask(prefix)) + "/" + prefix);
        }
    }

    /** Parses {@code a.b.c.d/n}, or {@code a.b.c.d} for a single address ({@code /32}). */
    public static Cidr parse(String text) {
        String s = text == null ? "" : text.strip();
        int slash = s.indexOf('/');
        String addressPart = slash < 0 ? s : s.substring(0, slash);
        int prefix = 32;
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            if (!p.matches("\\d{1,2}")) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 CIDR like 10.0.0.0/8");
            }
            prefix = Integer.parseInt(p);
        }
        String[] parts = addressPart.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 CIDR like 10.0.0.0/8");
        }
        int address = 0;
        for (String part : parts) {
            if (!part.matches("\\d{1,3}") || Integer.parseInt(part) > 255) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 CIDR like 10.0.0.0/8");
            }
            address = (address << 8) | Integer.parseInt(part);
        }
        return new Cidr(address, prefix);
    }

    /** The single address {@code a/32}. */
    public static Cidr of(Inet4Address a) {
        byte[] b = a.getAddress();
        return new Cidr(((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff), 32);
    }

    public boolean contains(Cidr other) {
        return other.prefix >= prefix && (other.address & mask(prefix)) == address;
    }

    public boolean overlaps(Cidr other) {
        return contains(other) || other.contains(this);
    }

    @Override
    public int compareTo(Cidr o) {
        int c = Integer.compareUnsigned(address, o.address);
        return c != 0 ? c : Integer.compare(prefix, o.prefix);
    }

    @Override
    public String toString() {
        return dotted(address) + "/" + prefix;
    }

    private static int mask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    private static String dotted(int a) {
        return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }
}
