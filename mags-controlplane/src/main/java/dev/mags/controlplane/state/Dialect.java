package dev.mags.controlplane.state;

import java.util.List;

/**
 * What differs between the state store's two databases, in one place; the stores' SQL is otherwise the same on
 * both. The stores reach it through Jdbi attributes that {@link Database} defines, e.g. {@code ORDER BY name
 * <bytewise>}, so that no store asks which database it runs on.
 *
 * @param name                what operators call the database, for messages
 * @param migrationLocations  Flyway's locations: the shared migrations, and a database's own where their SQL
 *                            must differ (a file there has a version of its own, never one of the shared ones)
 * @param bytewiseCollation   the collation that orders text by its bytes, as SQLite does by default (PostgreSQL
 *                            orders by the database's locale, where "Bob" sorts after "alice"): lists sorted by
 *                            name come out alike on both
 */
public record Dialect(String name, List<String> migrationLocations, String bytewiseCollation) {
    public static final Dialect SQLITE = new Dialect("SQLite", List.of("classpath:db/migration"), "COLLATE BINARY");
    public static final Dialect POSTGRESQL = new Dialect("PostgreSQL", List.of("classpath:db/migration"),
            "COLLATE \"C\"");

    public Dialect {
        migrationLocations = List.copyOf(migrationLocations);
    }

    /** Whether this is the embedded single-file database, whose file mags itself compacts. */
    public boolean embedded() {
        return equals(SQLITE);
    }
}
