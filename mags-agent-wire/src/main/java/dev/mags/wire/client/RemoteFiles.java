package dev.mags.wire.client;

import com.fasterxml.jackson.databind.JavaType;
import dev.mags.protocol.v2.FileEntry;
import dev.mags.protocol.v2.SandboxFiles;
import dev.mags.wire.Requests;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.OpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** A remote sandbox's files: one call per operation; an open file reads and writes at positions over HTTP. */
final class RemoteFiles implements SandboxFiles {
    private final AgentClient client;
    private final String path;

    RemoteFiles(AgentClient client, String sandboxPath) {
        this.client = client;
        this.path = sandboxPath + "/files";
    }

    @Override
    public FileEntry stat(String file, boolean followLinks) throws IOException {
        return call("stat", Requests.File.path(file).followLinks(followLinks),
                FileEntry.class);
    }

    @Override
    public List<FileEntry> list(String dir) throws IOException {
        return call("list", Requests.File.path(dir),
                client.json().getTypeFactory().constructCollectionType(List.class, FileEntry.class));
    }

    @Override
    public SeekableByteChannel open(String file, Set<? extends OpenOption> options, int mode) throws IOException {
        Set<String> names = options.stream().map(Object::toString).collect(Collectors.toSet());
        Requests.OpenFile open = call("open", Requests.File.path(file).mode(mode).options(names), Requests.OpenFile.class);
        return new RemoteChannel(client, path + "/handles/" + open.handle(), options);
    }

    @Override
    public void mkdir(String dir, int mode) throws IOException {
        call("mkdir", Requests.File.path(dir).mode(mode), Void.class);
    }

    @Override
    public void delete(String file) throws IOException {
        call("delete", Requests.File.path(file), Void.class);
    }

    @Override
    public void rename(String from, String to, boolean replace) throws IOException {
        call("rename", Requests.File.path(from).to(to, replace), Void.class);
    }

    @Override
    public void symlink(String link, String target) throws IOException {
        call("symlink", Requests.File.path(link).target(target), Void.class);
    }

    @Override
    public String readLink(String link) throws IOException {
        Map<?, ?> answer = call("readlink", Requests.File.path(link), Map.class);
        return (String) answer.get("target");
    }

    @Override
    public void setMode(String file, int mode) throws IOException {
        call("mode", Requests.File.path(file).mode(mode), Void.class);
    }

    @Override
    public void setOwner(String file, long uid, long gid) throws IOException {
        call("owner", Requests.File.path(file).owner(uid, gid), Void.class);
    }

    @Override
    public void setModified(String file, Instant modified) throws IOException {
        call("modified", Requests.File.path(file).modified(modified), Void.class);
    }

    private <T> T call(String op, Requests.File request, Class<T> answer) throws IOException {
        return call(op, request, client.json().constructType(answer));
    }

    private <T> T call(String op, Requests.File request, JavaType answer) throws IOException {
        return client.callIo("POST", path + "/" + op, request, answer);
    }
}
