package io.cloudsync.testkit.gdrive;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A Google Drive v3-compatible HTTP server for tests, on 127.0.0.1 and a free port, that
 * {@code google-api-services-drive} talks to exactly as it talks to Google: the service-account
 * token endpoint, {@code files} create/update (multipart, media and resumable, gzip bodies,
 * {@code X-HTTP-Method-Override}), list (the {@code q} subset a sync needs, paging), get
 * (metadata, both media URLs, ranges), delete, {@code files.copy} (server side, metadata applied
 * with patch semantics over the source's, folders refused), {@code files.generateIds} and creates
 * and copies that name their id (a retried create answers 409), revisions (every upload of content
 * adds one; {@code revisions.list}, {@code get}, {@code delete}), a {@code version} that grows with
 * every change, Drive-shaped errors, int64 fields as strings, md5 and sha256 checksums. Fault switches let tests provoke rate limits and rate-limit
 * storms, failed chunks, lost answers, duplicate names, listing lag and a daily upload quota.
 *
 * <p>Use it directly ({@code FakeDriveServer.create().start()}, then {@link #close()}) or as a JUnit 5
 * extension: {@code @RegisterExtension static final FakeDriveServer DRIVE = FakeDriveServer.create();}
 * starts it before the class's tests (the running server lives in the extension store and is
 * stopped with it), clears the fault switches before each test, and injects itself into test
 * parameters of type {@code FakeDriveServer}. Data persists across the tests of a class; give each
 * test its own folder ({@link #createFolder(String)}).
 *
 * <p>Point the client's root URL at {@link #rootUrl()} (the fake must own the root of its port:
 * the client builds upload URLs host-absolute) and the service account's {@code token_uri} at
 * {@link #tokenUri()}; {@link #newServiceAccountJson(String)} makes such a key file. Thread-safe.
 */
public final class FakeDriveServer implements BeforeAllCallback, BeforeEachCallback, ParameterResolver, AutoCloseable {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create("io.cloudsync", "gdrive");

    private final DriveStore store = new DriveStore();
    private final DriveHandler handler = new DriveHandler(store);
    private HttpServer server;
    private ExecutorService executor;

    private FakeDriveServer() {
    }

    /**
     * A server that is not started yet.
     *
     * @return the server
     */
    public static FakeDriveServer create() {
        return new FakeDriveServer();
    }

    /**
     * Starts listening on 127.0.0.1 and a free port. Does nothing when already started.
     *
     * @return this server
     */
    public synchronized FakeDriveServer start() {
        if (server != null) {
            return this;
        }
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start FakeDriveServer on 127.0.0.1", e);
        }
        executor = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "fake-drive");
            t.setDaemon(true);
            return t;
        });
        server.createContext("/", handler);
        server.setExecutor(executor);
        server.start();
        handler.baseUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
        return this;
    }

    /** Stops the server. Idempotent. */
    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }

    /**
     * The root URL to give {@code Drive.Builder#setRootUrl}, ending in {@code /}.
     *
     * @return for example {@code http://127.0.0.1:40123/}
     */
    public String rootUrl() {
        requireStarted();
        return handler.baseUrl;
    }

    /**
     * The token endpoint, for a service account's {@code token_uri}.
     *
     * @return {@link #rootUrl()} + {@code token}
     */
    public String tokenUri() {
        return rootUrl() + "token";
    }

    /**
     * The id of the shared drive every test folder lives in (its root folder).
     *
     * @return the id
     */
    public String sharedDriveId() {
        synchronized (store) {
            return store.sharedDriveId;
        }
    }

    /**
     * Creates a folder at the root of the shared drive.
     *
     * @param name the folder's name
     * @return its id
     */
    public String createFolder(String name) {
        return createFolder(name, sharedDriveId());
    }

    /**
     * Creates a folder.
     *
     * @param name the folder's name
     * @param parentId the parent folder's id
     * @return its id
     */
    public String createFolder(String name, String parentId) {
        synchronized (store) {
            DriveStore.Item item = store.newItem(name, DriveStore.FOLDER, requireItem(parentId).id);
            return item.id;
        }
    }

    /**
     * Stores a file as another client would, for example to plant a duplicate name.
     *
     * @param parentId the folder
     * @param name the name
     * @param content the bytes
     * @param appProperties app-private properties
     * @return the new file's id
     */
    public String putFile(String parentId, String name, byte[] content, Map<String, String> appProperties) {
        synchronized (store) {
            DriveStore.Item item = store.newItem(name, "application/octet-stream", requireItem(parentId).id);
            item.setContent(content.clone());
            item.appProperties.putAll(appProperties);
            return item.id;
        }
    }

    /**
     * Makes a throwaway RSA service-account key trusted by the token endpoint.
     *
     * @param clientEmail the account's e-mail, for example {@code sync@test.iam.gserviceaccount.com}
     * @return a service-account key file (JSON) whose {@code token_uri} points at this server
     */
    public String newServiceAccountJson(String clientEmail) {
        KeyPair keys;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            keys = generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        synchronized (store) {
            store.serviceAccounts.put(clientEmail, keys.getPublic());
        }
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        return "{\n"
                + "  \"type\": \"service_account\",\n"
                + "  \"project_id\": \"fake-project\",\n"
                + "  \"private_key_id\": \"" + DriveStore.newId() + "\",\n"
                + "  \"private_key\": \"" + pem.replace("\n", "\\n") + "\",\n"
                + "  \"client_email\": \"" + clientEmail + "\",\n"
                + "  \"client_id\": \"1234567890\",\n"
                + "  \"token_uri\": \"" + tokenUri() + "\"\n"
                + "}\n";
    }

    // ------------------------------------------------------------------ inspection

    /**
     * Every stored file and folder.
     *
     * @return copies, in creation order
     */
    public List<StoredFile> files() {
        synchronized (store) {
            List<StoredFile> out = new ArrayList<>();
            store.items.values().forEach(i -> out.add(copy(i)));
            return out;
        }
    }

    /**
     * The files and folders directly in a folder.
     *
     * @param parentId the folder
     * @return copies, in creation order
     */
    public List<StoredFile> children(String parentId) {
        return files().stream().filter(f -> f.parents().contains(parentId)).toList();
    }

    /**
     * How many revisions of a file's content Drive keeps: 1 after a create, one more for every
     * update with media (up to Drive's 100).
     *
     * @param fileId the file
     * @return the count; 0 for folders
     * @throws IllegalArgumentException when there is no such file
     */
    public int revisionCount(String fileId) {
        synchronized (store) {
            return requireItem(fileId).revisions.size();
        }
    }

    /**
     * Bytes of media taken in by upload requests (chunks, multipart and media bodies), counting
     * resent bytes again; requests refused by a fault switch or the daily quota do not count.
     *
     * @return the count since start or {@link #reset()}
     */
    public long uploadBytesReceived() {
        synchronized (store) {
            return handler.uploadBytesReceived;
        }
    }

    /**
     * How many API requests (not token requests) matched.
     *
     * @param filter on method and path, for example {@code r -> r.method().equals("DELETE")}
     * @return the count since start or {@link #reset()}
     */
    public long requestCount(Predicate<RecordedRequest> filter) {
        synchronized (store) {
            return handler.recorded.stream()
                    .map(r -> new RecordedRequest(r.method(), r.path(), Map.copyOf(r.params()), r.status()))
                    .filter(filter).count();
        }
    }

    /**
     * How many token requests arrived.
     *
     * @return the count since start
     */
    public long tokenRequests() {
        synchronized (store) {
            return handler.tokenRequests;
        }
    }

    /**
     * One API request as the fake saw it (after method override).
     *
     * @param method the effective method
     * @param path the raw path
     * @param params the query (and override form) parameters
     * @param status the status answered
     */
    public record RecordedRequest(String method, String path, Map<String, String> params, int status) {
    }

    // ------------------------------------------------------------------ faults

    /**
     * Answers the next {@code calls} API calls with 403 {@code userRateLimitExceeded}.
     *
     * @param calls how many
     */
    public void rateLimitNextCalls(int calls) {
        failNextCalls(calls, 403, "usageLimits", "userRateLimitExceeded",
                "User Rate Limit Exceeded. Rate of requests for user exceed configured project quota.");
    }

    /**
     * Answers the next {@code calls} API calls with an error of this shape.
     *
     * @param calls how many
     * @param status the HTTP status, such as 429 or 503
     * @param domain the error domain, such as {@code usageLimits} or {@code global}
     * @param reason the reason, such as {@code rateLimitExceeded} or {@code backendError}
     * @param message the message
     */
    public void failNextCalls(int calls, int status, String domain, String reason, String message) {
        synchronized (store) {
            for (int i = 0; i < calls; i++) {
                handler.faults.add(new DriveHandler.Fault(status, domain, reason, message, false, 0));
            }
        }
    }

    /**
     * A rate-limit storm: from the next API call on, every API call (not the token endpoint) is
     * answered 429 {@code rateLimitExceeded} "Rate Limit Exceeded" without {@code Retry-After}, as
     * Drive answers a burst over its per-user rate, until {@code length} has passed.
     *
     * @param length how long the storm lasts, timed from the first call it refuses
     */
    public void rateLimitStorm(java.time.Duration length) {
        rateLimitStorm(length, 0);
    }

    /**
     * A rate-limit storm that starts after {@code afterCalls} more API calls have gone through, for
     * example in the middle of a sync; see {@link #rateLimitStorm(java.time.Duration)}.
     *
     * @param length how long the storm lasts, timed from the first call it refuses
     * @param afterCalls API calls answered normally first
     */
    public void rateLimitStorm(java.time.Duration length, int afterCalls) {
        synchronized (store) {
            handler.stormArmed = true;
            handler.stormSkip = afterCalls;
            handler.stormNanos = length.toNanos();
            handler.stormEndsAt = 0;
        }
    }

    /**
     * Makes each of the next {@code creates} file or folder creations (metadata-only, multipart,
     * media, or the last chunk of a resumable upload) store the file and then answer 503
     * {@code backendError}: a create that went through but whose answer was lost on the way, which
     * a client that retries blindly turns into a duplicate.
     *
     * @param creates how many
     */
    public void loseNextCreateAnswers(int creates) {
        synchronized (store) {
            handler.loseCreateAnswers = creates;
        }
    }

    /**
     * Makes each of the next {@code updates} uploads of new content for an existing file (multipart,
     * media, or the last chunk of a resumable update) store the content and then answer 503
     * {@code backendError}: an update that went through but whose answer was lost.
     *
     * @param updates how many
     */
    public void loseNextUpdateAnswers(int updates) {
        synchronized (store) {
            handler.loseUpdateAnswers = updates;
        }
    }

    /**
     * Answers the next {@code chunks} resumable-upload PUTs with 503 {@code backendError}, keeping nothing of them.
     *
     * @param chunks how many
     */
    public void failNextChunks(int chunks) {
        failChunksAfter(0, chunks);
    }

    /**
     * Lets {@code passing} resumable-upload PUTs through, then answers the following {@code failing}
     * ones with 503 {@code backendError}, keeping nothing of them: an upload interrupted half-way.
     *
     * @param passing how many chunk PUTs succeed first
     * @param failing how many fail after them
     */
    public void failChunksAfter(int passing, int failing) {
        synchronized (store) {
            for (int i = 0; i < failing; i++) {
                handler.faults.add(new DriveHandler.Fault(503, "global", "backendError", "Backend Error", true,
                        i == 0 ? passing : 0));
            }
        }
    }

    /**
     * Makes each of the next {@code creates} file creations store a second file with the same name
     * and parent, as a retried or raced create does on Drive.
     *
     * @param creates how many
     */
    public void duplicateNextCreates(int creates) {
        synchronized (store) {
            handler.duplicateCreates = creates;
        }
    }

    /**
     * Hides files created from now on from the next {@code listCalls} list calls (get still sees them).
     *
     * @param listCalls how many list calls a new file stays invisible for; 0 to switch off
     */
    public void delayListingVisibility(int listCalls) {
        synchronized (store) {
            handler.listingLag = listCalls;
        }
    }

    /**
     * Sets a daily upload quota: once this many media bytes were accepted, uploads get 403
     * {@code userRateLimitExceeded} "User rate limit exceeded." (what Drive answers at its daily cap).
     *
     * @param bytes the quota; {@link Long#MAX_VALUE} for none
     */
    public void dailyUploadQuota(long bytes) {
        dailyUploadQuota(bytes, "userRateLimitExceeded");
    }

    /**
     * Sets a daily upload quota answered with the given reason (for example {@code uploadLimitExceeded}).
     *
     * @param bytes the quota; {@link Long#MAX_VALUE} for none
     * @param reason the 403 reason
     */
    public void dailyUploadQuota(long bytes, String reason) {
        synchronized (store) {
            handler.dailyQuota = bytes;
            handler.dailyQuotaReason = reason;
            handler.uploadedToday = 0;
        }
    }

    /**
     * Flips a bit of the next {@code uploads} stored files, as corruption between client and storage would.
     *
     * @param uploads how many
     */
    public void corruptNextUploads(int uploads) {
        synchronized (store) {
            handler.corruptUploads = uploads;
        }
    }

    /** Forgets every open resumable session: their URIs now answer 404. */
    public void expireUploadSessions() {
        synchronized (store) {
            store.sessions.clear();
        }
    }

    /** Invalidates every access token issued so far: the next call gets 401 and the client must refresh. */
    public void revokeTokens() {
        synchronized (store) {
            store.issuedTokens.clear();
        }
    }

    /**
     * Caps {@code pageSize} on list calls (default 100), to exercise paging.
     *
     * @param max the largest page
     */
    public void maxPageSize(int max) {
        synchronized (store) {
            handler.maxPageSize = max;
        }
    }

    /**
     * Refuses creations outside the shared drive with 403 {@code storageQuotaExceeded}, as Drive
     * does for service accounts.
     *
     * @param on whether to refuse
     */
    public void serviceAccountQuotaMode(boolean on) {
        synchronized (store) {
            handler.serviceAccountQuotaMode = on;
        }
    }

    /** Clears every fault switch (data, sessions and counters stay). */
    public void resetFaults() {
        synchronized (store) {
            handler.faults.clear();
            handler.duplicateCreates = 0;
            handler.listingLag = 0;
            handler.dailyQuota = Long.MAX_VALUE;
            handler.uploadedToday = 0;
            handler.corruptUploads = 0;
            handler.maxPageSize = 100;
            handler.serviceAccountQuotaMode = false;
            handler.loseCreateAnswers = 0;
            handler.loseUpdateAnswers = 0;
            handler.stormArmed = false;
            handler.stormEndsAt = 0;
        }
    }

    /** Clears all data, sessions, counters and fault switches; issued tokens and accounts stay valid. */
    public void reset() {
        synchronized (store) {
            resetFaults();
            store.reset();
            handler.uploadBytesReceived = 0;
            handler.recorded.clear();
        }
    }

    // ------------------------------------------------------------------ JUnit 5

    @Override
    public void beforeAll(ExtensionContext context) {
        startIn(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        startIn(context);
        resetFaults();
    }

    private void startIn(ExtensionContext context) {
        context.getStore(NAMESPACE).getOrComputeIfAbsent(Running.class.getName() + System.identityHashCode(this),
                key -> new Running(start()), Running.class);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == FakeDriveServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return this;
    }

    /** The started server as kept in the extension store; closing the store stops it. */
    private record Running(FakeDriveServer server) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
        }
    }

    // ------------------------------------------------------------------ helpers

    private DriveStore.Item requireItem(String id) {
        DriveStore.Item item = store.resolve(id);
        if (item == null) {
            throw new IllegalArgumentException("FakeDriveServer has no file or folder with id " + id);
        }
        return item;
    }

    private void requireStarted() {
        if (server == null) {
            throw new IllegalStateException("FakeDriveServer is not started; call start() or register it as an extension");
        }
    }

    private static StoredFile copy(DriveStore.Item i) {
        return new StoredFile(i.id, i.name, i.mimeType, i.parents, i.content == null ? new byte[0] : i.content, i.sha256,
                i.appProperties, i.createdTime, i.modifiedTime, i.trashed);
    }

    @Override
    public String toString() {
        return "FakeDriveServer[" + (server == null ? "stopped" : handler.baseUrl) + ']';
    }
}
