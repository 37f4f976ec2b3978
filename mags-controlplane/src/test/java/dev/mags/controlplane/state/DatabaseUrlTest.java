package dev.mags.controlplane.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The two forms of --database-url an operator may write, and that no message shows the password. */
class DatabaseUrlTest {
    @Test
    void theLibpqFormBecomesAJdbcUrlWithTheUserAndPasswordApart() {
        DatabaseUrl u = DatabaseUrl.parse("postgresql://mags:p%40ss%3Aw%2Fd@db.example.com:5433/state?sslmode=require");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:5433/state?sslmode=require");
        assertThat(u.user()).isEqualTo("mags");
        assertThat(u.password()).isEqualTo("p@ss:w/d");
        assertThat(u.toString()).isEqualTo("jdbc:postgresql://db.example.com:5433/state?sslmode=require (user mags, password ***)");

        DatabaseUrl noPort = DatabaseUrl.parse("postgres://mags@localhost/mags");
        assertThat(noPort.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost/mags");
        assertThat(noPort.user()).isEqualTo("mags");
        assertThat(noPort.password()).isNull();
        assertThat(DatabaseUrl.parse("postgresql://u:a+b@[::1]:5432/m").jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5432/m");
        assertThat(DatabaseUrl.parse("postgresql://u:a+b@[::1]:5432/m").password()).isEqualTo("a+b");
    }

    @Test
    void theJdbcFormIsHandedOverAsItIsAndPrintedWithoutItsPassword() {
        DatabaseUrl u = DatabaseUrl.parse("jdbc:postgresql://db:5432/mags?user=mags&password=s3cret&ssl=true");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/mags?user=mags&password=s3cret&ssl=true");
        assertThat(u.user()).isNull();
        assertThat(u.toString()).isEqualTo("jdbc:postgresql://db:5432/mags?user=mags&password=***&ssl=true")
                .doesNotContain("s3cret");
    }

    @Test
    void anythingElseIsRefusedSayingWhatToWriteAndWithoutThePassword() {
        assertThatThrownBy(() -> DatabaseUrl.parse("mysql://root:s3cret@db/mags"))
                .hasMessageContaining("database URL mysql://root:***@db/mags")
                .hasMessageContaining("postgresql://").message().doesNotContain("s3cret");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://mags:s3cret@db"))
                .hasMessageContaining("names no database").message().doesNotContain("s3cret");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://mags:s3 cret@db/x"))
                .hasMessageContaining("percent-encode").message().doesNotContain("s3 cret");
        assertThatThrownBy(() -> DatabaseUrl.parse("jdbc:postgresql:mags?password=s3cret"))
                .hasMessageContaining("needs a host").message().doesNotContain("s3cret");
        assertThatThrownBy(() -> DatabaseUrl.parse(" ")).hasMessageContaining("empty");
    }
}
