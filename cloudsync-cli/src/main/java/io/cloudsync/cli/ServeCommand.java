package io.cloudsync.cli;

import io.cloudsync.ConfigurationException;
import io.cloudsync.Secret;
import io.cloudsync.core.CloudSync;
import io.cloudsync.http.CloudSyncHttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code cloudsync serve}: the original HTTP routes and hooks stream over this project, until stopped. */
@Command(name = "serve", description = {"Serve the HTTP routes of this project until stopped (Ctrl-C), logging to <root>/logs/server.log.",
        "The routes are /api/sync/*, /api/backup/*, /api/health and the hooks stream /api/modder/hooks."
                + " See docs/CLOUD_SYNC.md."})
final class ServeCommand implements Callable<Integer> {

    /** Where {@code serve} writes its log under the root, unless {@code --log-file} says otherwise. */
    static final String DEFAULT_LOG = "logs/server.log";

    @ParentCommand
    RootCommand root;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}). Anything but loopback exposes the API;"
                    + " put a TLS proxy in front.")
    String bind;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8765",
            description = "Port to listen on, 0 for a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "Read the bearer token from this file (default: <state>/http/token, created on first start).")
    Path tokenFile;

    @Option(names = "--allow-service-config", paramLabel = "KEY", split = ",",
            description = "Let requests set this service_config key (KEY for every service, SERVICE.KEY for one);"
                    + " repeat or separate with commas. Default: none, so a request cannot point a run at another"
                    + " folder, bucket or endpoint.")
    List<String> allowServiceConfig = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Session s = new Session(root);
        // the original design's log: the structured entries of every run, as JSON lines under the root
        s.logTo(root.logFile != null ? s.terminal().resolve(root.logFile.toString()) : s.root().resolve(DEFAULT_LOG));
        Path tokenSource = tokenFile != null ? s.terminal().resolve(tokenFile.toString()) : s.stateDir().resolve("http/token");
        // the token file is never mirrored, wherever it is (the state folder's is excluded with the folder)
        CloudSync cloudSync = s.cloudSync(true, List.of(tokenSource));
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new ConfigurationException("--bind " + bind + " is not an address of this machine; use 127.0.0.1");
        }
        CloudSyncHttpServer.Builder builder = CloudSyncHttpServer.builder(cloudSync).bind(address).port(port)
                .allowServiceConfig(allowServiceConfig);
        if (tokenFile != null) {
            builder.token(readToken(tokenSource));
            // the state folder's own token file is checked (and logged) by the server itself
            CloudSyncHttpServer.tokenFileWarning(tokenSource)
                    .ifPresent(w -> s.terminal().err().println("cloudsync: warning: " + Text.safe(w)));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        try (CloudSyncHttpServer server = builder.start()) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "cloudsync-serve-stop"));
            s.terminal().err().println("cloudsync: serving " + Text.safe(s.root().toString()) + " at " + server.baseUri()
                    + " (bearer token in " + tokenSource + "; log in " + Text.safe(String.valueOf(s.logFile())) + "); Ctrl-C stops");
            s.terminal().err().flush();
            if (!address.isLoopbackAddress()) {
                s.terminal().err().println("cloudsync: warning: listening on " + address.getHostAddress()
                        + ", not loopback; anyone who can reach it and has the token can run syncs");
            }
            stopped.await();
        }
        return ExitCodes.OK;
    }

    private static Secret readToken(Path file) {
        try {
            String token = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (token.length() < 16) {
                throw new ConfigurationException("the token in " + file + " is shorter than 16 characters; use a long random one");
            }
            return Secret.of(token);
        } catch (IOException e) {
            throw new ConfigurationException("cannot read the token file " + file + ": " + e.getMessage());
        }
    }
}
