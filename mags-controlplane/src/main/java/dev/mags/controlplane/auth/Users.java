package dev.mags.controlplane.auth;

import dev.mags.api.NewUser;
import dev.mags.api.UserInfo;
import dev.mags.api.UserList;
import dev.mags.controlplane.error.BadRequestException;
import dev.mags.controlplane.error.ConflictException;
import dev.mags.controlplane.error.ForbiddenException;
import dev.mags.controlplane.error.NotFoundException;
import dev.mags.controlplane.state.UserRecord;
import dev.mags.controlplane.state.UserStore;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * What {@code /api/v1/users} does, for admins only: list users, create one (with a first token), disable or
 * enable one. Users are disabled rather than deleted: their jobs and workspaces stay theirs.
 */
public final class Users {
    private static final String FIRST_TOKEN = "first token";

    private final UserStore users;
    private final TokenService tokens;
    private final Clock clock;

    public Users(UserStore users, TokenService tokens, Clock clock) {
        this.users = users;
        this.tokens = tokens;
        this.clock = clock;
    }

    public UserList list(Principal who) {
        requireAdmin(who);
        return new UserList(users.accounts().stream().map(Users::info).toList());
    }

    public NewUser create(Principal who, String name, boolean admin) {
        requireAdmin(who);
        try {
            TokenService.checkUserName(name);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("invalid_field", e.getMessage());
        }
        if (users.findByName(name).isPresent()) {
            throw new ConflictException("user_exists", "a user named '" + name + "' exists already; "
                    + "GET /api/v1/users lists them");
        }
        UserRecord user = new UserRecord(UUID.randomUUID().toString(), name, admin,
                clock.instant().truncatedTo(ChronoUnit.MILLIS));
        users.insertUser(user);
        TokenService.Issued token = tokens.issue(user.id(), FIRST_TOKEN);
        return new NewUser(info(new UserStore.Account(user, null)), Tokens.info(token, FIRST_TOKEN));
    }

    /** Disables a user: every token of theirs is refused from the next request on. */
    public UserInfo disable(Principal who, String name) {
        requireAdmin(who);
        UserStore.Account account = find(name);
        if (account.user().id().equals(who.userId())) {
            throw new ConflictException("cannot_disable_self", "you cannot disable yourself: you would lose the "
                    + "access needed to enable yourself again; another admin can disable you");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        if (account.disabledAt() == null) {
            users.setDisabled(account.user().id(), now);
        }
        tokens.disabled(account.user().id());
        return info(new UserStore.Account(account.user(), account.disabledAt() != null ? account.disabledAt() : now));
    }

    public UserInfo enable(Principal who, String name) {
        requireAdmin(who);
        UserStore.Account account = find(name);
        users.setDisabled(account.user().id(), null);
        return info(new UserStore.Account(account.user(), null));
    }

    private UserStore.Account find(String name) {
        return users.account(name).orElseThrow(() -> new NotFoundException("no user named '" + name
                + "'; GET /api/v1/users lists them"));
    }

    private static void requireAdmin(Principal who) {
        if (!who.admin()) {
            throw new ForbiddenException("managing users needs an admin's token; yours is of user '"
                    + who.userName() + "', who is not an admin");
        }
    }

    private static UserInfo info(UserStore.Account a) {
        return new UserInfo(a.user().id(), a.user().name(), a.user().admin(), a.user().createdAt(), a.disabledAt());
    }
}
