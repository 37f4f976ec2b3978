package dev.mags.controlplane.ssh.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MessagesTest {
    @Test
    void aLoginNameIsNeverEchoedWithControlCharacters() {
        assertThat(Messages.notFound("dev\u001b]0;pwned\u0007")).contains("'dev?]0;pwned?'").doesNotContain("\u001b");
    }
}
