package dev.mags.cli.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;

/**
 * The MCP server on a pair of streams (the process's stdin and stdout), with the SDK's stdio transport: one
 * JSON-RPC message per line. Serves until the client closes its end of stdin, which is how MCP clients end a
 * stdio server.
 */
final class McpStdio {
    private McpStdio() {}

    static int serve(SandboxTools tools, InputStream in, OutputStream out, String version) throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        JacksonMcpJsonMapper json = new JacksonMcpJsonMapper(new ObjectMapper());
        StdioServerTransportProvider transport = new StdioServerTransportProvider(json, new EndWatch(in, closed), out);
        McpSyncServer server = McpServer.sync(transport)
                .serverInfo("mags", version)
                .instructions("Tools of a mags server: run scripts in isolated Linux sandboxes, keep workspaces, "
                        + "run commands in sandboxes that stay up, read and write their files.")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                .jsonMapper(json)
                .tools(ToolCatalog.specs(tools, json))
                .build();
        try {
            closed.await();
        } finally {
            server.closeGracefully();
        }
        return 0;
    }

    /** Counts {@code closed} down at the end of the input (or when it fails): the client has gone. */
    private static final class EndWatch extends FilterInputStream {
        private final CountDownLatch closed;

        EndWatch(InputStream in, CountDownLatch closed) {
            super(in);
            this.closed = closed;
        }

        @Override
        public int read() throws IOException {
            return ended(guarded(() -> super.read()));
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return ended(guarded(() -> super.read(b, off, len)));
        }

        private int ended(int n) {
            if (n < 0) {
                closed.countDown();
            }
            return n;
        }

        private interface Read {
            int read() throws IOException;
        }

        private int guarded(Read read) throws IOException {
            try {
                return read.read();
            } catch (IOException e) {
                closed.countDown();
                throw e;
            }
        }
    }
}
