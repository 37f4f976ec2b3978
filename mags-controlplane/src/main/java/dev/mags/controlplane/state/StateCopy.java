package dev.mags.controlplane.state;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Moves a single-node server's state (its SQLite file) into an empty PostgreSQL database of the same schema: every
 * row of every table, parents before the tables that refer to them, in one transaction on the target, so that a
 * copy cut short leaves the target empty. Values are converted by the target column's type (SQLite keeps booleans
 * as 0 and 1, and any column may hold any type).
 */
public final class StateCopy {
    private static final int BATCH = 1000;
    /** Flyway's own table: the target has its own history of the same migrations. */
    private static final String HISTORY = "flyway_schema_history";

    private StateCopy() {}

    /**
     * Copies {@code from} into {@code to}; returns the rows copied per table.
     *
     * @throws IllegalStateException when {@code to} already holds rows (it must be an empty database), or a table of
     *     one is missing in the other (the two are at different schema versions)
     */
    public static Map<String, Long> copy(Database from, Database to) {
        try (org.jdbi.v3.core.Handle hs = from.jdbi().open(); org.jdbi.v3.core.Handle hd = to.jdbi().open()) {
            Connection src = hs.getConnection();
            Connection dst = hd.getConnection();
            Map<String, Set<String>> parents = tables(src);
            Set<String> targetTables = tables(dst).keySet();
            if (!targetTables.equals(parents.keySet())) {
                throw new IllegalStateException("the two state stores have different tables (" + parents.keySet()
                        + " against " + targetTables + "); run the same magsd version on both");
            }
            for (String t : targetTables) {
                if (count(dst, t) > 0) {
                    throw new IllegalStateException("the target database already holds mags state (table " + t
                            + " has rows); give an empty database");
                }
            }
            Map<String, Long> copied = new LinkedHashMap<>();
            boolean autoCommit = dst.getAutoCommit();
            dst.setAutoCommit(false);
            try {
                for (String t : parentsFirst(parents)) {
                    copied.put(t, copyTable(src, dst, t));
                }
                dst.commit();
            } catch (SQLException | RuntimeException e) {
                dst.rollback();
                throw e;
            } finally {
                dst.setAutoCommit(autoCommit);
            }
            return copied;
        } catch (SQLException e) {
            throw new IllegalStateException("copying the state failed (the target is left as it was): " + e.getMessage(), e);
        }
    }

    /** The database's tables (lower case, Flyway's left out), each with the tables it refers to. */
    private static Map<String, Set<String>> tables(Connection c) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        Map<String, Set<String>> tables = new TreeMap<>();
        try (ResultSet rs = meta.getTables(null, null, "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                String schema = rs.getString("TABLE_SCHEM");
                String name = rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT);
                if ((schema == null || schema.equals("public")) && !name.equals(HISTORY) && !name.startsWith("sqlite_")) {
                    tables.put(name, new TreeSet<>());
                }
            }
        }
        for (Map.Entry<String, Set<String>> t : tables.entrySet()) {
            try (ResultSet rs = meta.getImportedKeys(null, null, t.getKey())) {
                while (rs.next()) {
                    String parent = rs.getString("PKTABLE_NAME").toLowerCase(Locale.ROOT);
                    if (!parent.equals(t.getKey())) {
                        t.getValue().add(parent);
                    }
                }
            }
        }
        return tables;
    }

    private static List<String> parentsFirst(Map<String, Set<String>> parents) {
        List<String> order = new ArrayList<>();
        Set<String> placed = new TreeSet<>();
        while (order.size() < parents.size()) {
            boolean progress = false;
            for (Map.Entry<String, Set<String>> t : parents.entrySet()) {
                if (!placed.contains(t.getKey()) && placed.containsAll(t.getValue())) {
                    order.add(t.getKey());
                    placed.add(t.getKey());
                    progress = true;
                }
            }
            if (!progress) {
                throw new IllegalStateException("the tables' references form a cycle: " + parents);
            }
        }
        return order;
    }

    private static long count(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long copyTable(Connection src, Connection dst, String table) throws SQLException {
        Map<String, Integer> types = new LinkedHashMap<>();
        try (ResultSet rs = dst.getMetaData().getColumns(null, null, table, "%")) {
            while (rs.next()) {
                types.put(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT), rs.getInt("DATA_TYPE"));
            }
        }
        List<String> columns = new ArrayList<>(types.keySet());
        String insert = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                + String.join(", ", columns.stream().map(c -> "?").toList()) + ")";
        long rows = 0;
        try (Statement read = src.createStatement();
                ResultSet rs = read.executeQuery("SELECT " + String.join(", ", columns) + " FROM " + table);
                PreparedStatement write = dst.prepareStatement(insert)) {
            while (rs.next()) {
                for (int i = 0; i < columns.size(); i++) {
                    write.setObject(i + 1, convert(rs.getObject(i + 1), types.get(columns.get(i))), types.get(columns.get(i)));
                }
                write.addBatch();
                if (++rows % BATCH == 0) {
                    write.executeBatch();
                }
            }
            write.executeBatch();
        }
        return rows;
    }

    /** A value read from SQLite as the target column's type wants it. */
    private static Object convert(Object v, int type) {
        if (v == null) {
            return null;
        }
        return switch (type) {
            case Types.BOOLEAN, Types.BIT -> v instanceof Number n ? n.longValue() != 0 : Boolean.parseBoolean(v.toString());
            case Types.BIGINT -> v instanceof Number n ? n.longValue() : Long.parseLong(v.toString());
            case Types.INTEGER, Types.SMALLINT -> v instanceof Number n ? n.intValue() : Integer.parseInt(v.toString());
            case Types.DOUBLE, Types.REAL, Types.FLOAT, Types.NUMERIC, Types.DECIMAL ->
                    v instanceof Number n ? n.doubleValue() : Double.parseDouble(v.toString());
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> v;
            default -> v instanceof byte[] ? v : v.toString();
        };
    }
}
