package dev.mags.controlplane.ssh;

import dev.mags.api.SshKeyInfo;
import dev.mags.api.SshKeyList;
import dev.mags.controlplane.error.BadRequestException;
import dev.mags.controlplane.error.ConflictException;
import dev.mags.controlplane.error.NotFoundException;
import dev.mags.controlplane.state.SshKeyRecord;
import dev.mags.controlplane.state.SshKeyStore;
import java.security.PublicKey;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/**
 * Users' SSH public keys: what {@code /api/v1/ssh-keys} manages and what the gateway authenticates with. A key
 * belongs to one user (the gateway maps it to that user); a user has at most {@value #MAX_KEYS_PER_USER}.
 */
public final class SshKeys implements SshUserKeys {
    static final int MAX_KEYS_PER_USER = 100;
    private static final int MAX_NAME = 128;

    private final SshKeyStore store;
    private final Clock clock;

    public SshKeys(SshKeyStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public SshKeyList list(String userId) {
        return new SshKeyList(store.list(userId).stream().map(SshKeys::info).toList());
    }

    public SshKeyInfo add(String userId, String name, String publicKey) {
        PublicKeys.Parsed key = PublicKeys.parse(publicKey);
        String label = name != null ? checkName(name) : defaultName(key);
        if (store.count(userId) >= MAX_KEYS_PER_USER) {
            throw new ConflictException("too_many_ssh_keys", "you have " + MAX_KEYS_PER_USER
                    + " SSH keys, the most a user may have; delete one first (DELETE /api/v1/ssh-keys/{id})");
        }
        SshKeyRecord row = new SshKeyRecord(UUID.randomUUID().toString(), userId, label, key.canonical(),
                key.fingerprint(), clock.instant().truncatedTo(ChronoUnit.MILLIS));
        if (!store.insert(row)) {
            throw alreadyRegistered(userId, key.fingerprint());
        }
        return info(row);
    }

    public void delete(String userId, String id) {
        if (id == null || !store.delete(userId, id)) {
            throw new NotFoundException("no SSH key with id '" + id + "'; GET /api/v1/ssh-keys lists yours");
        }
    }

    @Override
    public Optional<String> userOf(PublicKey key) {
        String canonical = PublicKeyEntry.toString(key);
        return store.byFingerprint(PublicKeys.fingerprint(key))
                .filter(row -> row.publicKey().equals(canonical))
                .map(SshKeyRecord::userId);
    }

    private ConflictException alreadyRegistered(String userId, String fingerprint) {
        Optional<SshKeyRecord> existing = store.byFingerprint(fingerprint);
        if (existing.isPresent() && existing.get().userId().equals(userId)) {
            return new ConflictException("ssh_key_exists", "this key (" + fingerprint + ") is registered already,"
                    + " as '" + existing.get().name() + "' (id " + existing.get().id() + ")");
        }
        // One key maps to one user; saying so reveals only that someone holds this public key.
        return new ConflictException("ssh_key_exists", "this key (" + fingerprint + ") is registered by another"
                + " user; a key can belong to one user only: make a key of your own (ssh-keygen -t ed25519)");
    }

    private static String checkName(String name) {
        String n = name.strip();
        if (n.isEmpty() || n.length() > MAX_NAME || n.codePoints().anyMatch(Character::isISOControl)) {
            throw new BadRequestException("invalid_field", "'name' must be 1-" + MAX_NAME
                    + " characters without control characters");
        }
        return n;
    }

    /** The key's comment (often user@host), as far as it makes a name; else its type. */
    private static String defaultName(PublicKeys.Parsed key) {
        String comment = key.comment() == null ? "" : key.comment().codePoints()
                .filter(c -> !Character.isISOControl(c)).collect(StringBuilder::new, StringBuilder::appendCodePoint,
                        StringBuilder::append).toString().strip();
        if (comment.isEmpty()) {
            return key.type();
        }
        return comment.length() <= MAX_NAME ? comment : comment.substring(0, MAX_NAME);
    }

    private static SshKeyInfo info(SshKeyRecord row) {
        return new SshKeyInfo(row.id(), row.name(), row.fingerprint(), row.createdAt());
    }
}
