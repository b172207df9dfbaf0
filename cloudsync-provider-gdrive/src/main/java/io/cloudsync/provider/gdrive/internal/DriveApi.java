package io.cloudsync.provider.gdrive.internal;

import com.google.api.client.http.AbstractInputStreamContent;
import com.google.api.client.http.ByteArrayContent;
import com.google.api.client.http.FileContent;
import com.google.api.client.http.HttpExecuteInterceptor;
import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.HttpTransport;
import com.google.api.client.json.JsonFactory;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.client.util.DateTime;
import com.google.api.services.drive.Drive;
import com.google.api.services.drive.model.File;
import com.google.api.services.drive.model.FileList;
import com.google.auth.http.HttpCredentialsAdapter;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import io.cloudsync.ProviderConfigurationException;
import io.cloudsync.Secret;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The Drive calls the provider makes, on one {@link Drive} client whose requests are paced and
 * authorised by the service account. Methods throw the client's {@link IOException}s; callers map
 * them with {@link DriveErrors} and the context they know.
 */
final class DriveApi {

    static final String FOLDER = "application/vnd.google-apps.folder";
    static final String FIELDS = "id,name,mimeType,parents,size,md5Checksum,sha256Checksum,createdTime,modifiedTime,"
            + "appProperties,trashed,headRevisionId,version";
    private static final String LIST_FIELDS = "nextPageToken,incompleteSearch,files(" + FIELDS + ")";
    /** Oldest first, then by id: the deterministic choice among duplicates. */
    static final Comparator<File> OLDEST_FIRST = Comparator
            .comparing((File f) -> f.getCreatedTime() == null ? Long.MAX_VALUE : f.getCreatedTime().getValue())
            .thenComparing(File::getId);

    private final Drive drive;
    private final DriveSettings settings;

    private DriveApi(Drive drive, DriveSettings settings) {
        this.drive = drive;
        this.settings = settings;
    }

    static DriveApi open(DriveSettings settings, Secret credentialsJson) {
        // not NetHttpTransport: HttpURLConnection logs every header, the bearer token too, at FINE
        HttpTransport transport = new QuietHttpTransport(java.time.Duration.ofSeconds(20));
        GoogleCredentials credentials = credentials(settings, credentialsJson, transport);
        HttpCredentialsAdapter adapter = new HttpCredentialsAdapter(credentials);
        Pacer pacer = new Pacer(settings.pacerIntervalMillis());
        HttpRequestInitializer initializer = request -> {
            adapter.initialize(request);
            HttpExecuteInterceptor authorise = request.getInterceptor();
            request.setInterceptor(r -> {
                pacer.acquire();
                if (authorise != null) {
                    authorise.intercept(r);
                }
            });
            // the client's HttpTransport logger prints headers and bodies at CONFIG (Authorization at ALL);
            // the token request of the auth library switches it off the same way
            request.setLoggingEnabled(false);
            request.setCurlLoggingEnabled(false);
            request.setConnectTimeout(20_000);
            request.setReadTimeout(60_000);
            // No HttpBackOff handlers: rate limits, 5xx and I/O errors go to the engine, which owns retries.
            request.setIOExceptionHandler(null);
        };
        Drive drive = new Drive.Builder(transport, GsonFactory.getDefaultInstance(), initializer)
                .setRootUrl(settings.rootUrl())
                .setApplicationName("cloudsync")
                .build();
        return new DriveApi(drive, settings);
    }

    private static GoogleCredentials credentials(DriveSettings settings, Secret json, HttpTransport transport) {
        ServiceAccountCredentials account;
        char[] chars = json.reveal();
        byte[] bytes = new String(chars).getBytes(StandardCharsets.UTF_8);
        java.util.Arrays.fill(chars, '\0');
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            account = ServiceAccountCredentials.fromStream(in, () -> transport);
        } catch (IOException | RuntimeException e) {
            // The cause is left out on purpose: parser messages may quote the key material.
            throw new ProviderConfigurationException("vault entry 'cloud_sync.gdrive.credentials' of service '"
                    + settings.service() + "' is not a service-account key file (JSON with type service_account,"
                    + " client_email, private_key, private_key_id and client_id, as downloaded from the Google Cloud"
                    + " console); " + e.getClass().getSimpleName());
        } finally {
            java.util.Arrays.fill(bytes, (byte) 0);
        }
        GoogleCredentials scoped = account.createScoped(settings.scopes());
        if (settings.subject() != null) {
            scoped = scoped.createDelegated(settings.subject());
        }
        // The auth library would retry token requests by itself; the engine owns retries.
        return ((ServiceAccountCredentials) scoped).createWithCustomRetryStrategy(false);
    }

    Drive drive() {
        return drive;
    }

    JsonFactory jsonFactory() {
        return drive.getJsonFactory();
    }

    File get(String id) throws IOException {
        return drive.files().get(id).setSupportsAllDrives(settings.supportsAllDrives()).setFields(FIELDS).execute();
    }

    /** Every non-trashed child of a folder, optionally only those with this exact name; follows every page. */
    List<File> children(String folderId, String name) throws IOException {
        String q = "'" + escape(folderId) + "' in parents and trashed = false"
                + (name == null ? "" : " and name = '" + escape(name) + "'");
        List<File> out = new ArrayList<>();
        String token = null;
        do {
            Drive.Files.List list = drive.files().list().setQ(q).setFields(LIST_FIELDS).setPageSize(1000)
                    .setSupportsAllDrives(settings.supportsAllDrives())
                    .setIncludeItemsFromAllDrives(settings.supportsAllDrives());
            if (token != null) {
                list.setPageToken(token);
            }
            FileList page = list.execute();
            if (page.getFiles() != null) {
                for (File f : page.getFiles()) {
                    // the query says so, but Drive matches names loosely in places: compare exactly
                    if (name == null || name.equals(f.getName())) {
                        out.add(f);
                    }
                }
            }
            token = page.getNextPageToken();
        } while (token != null && !token.isEmpty());
        return out;
    }

    /** Creates a folder under the id {@code id} from {@link #generateIds}: a retry of a create that went through gets 409, not a twin. */
    File createFolder(String parentId, String name, String id) throws IOException {
        File meta = new File().setId(id).setName(name).setMimeType(FOLDER).setParents(List.of(parentId));
        return drive.files().create(meta).setSupportsAllDrives(settings.supportsAllDrives()).setFields(FIELDS).execute();
    }

    /** Ids for new files and folders ({@code files.generateIds}); Drive refuses a second create with one of them (409). */
    List<String> generateIds(int count) throws IOException {
        List<String> ids = drive.files().generateIds().setCount(count).setSpace("drive").setType("files").execute().getIds();
        return ids == null ? List.of() : ids;
    }

    /** One-request (multipart) upload, for files up to one chunk and for metadata objects. */
    File createWithContent(File meta, AbstractInputStreamContent content) throws IOException {
        Drive.Files.Create create = drive.files().create(meta, content)
                .setSupportsAllDrives(settings.supportsAllDrives()).setFields(FIELDS);
        create.getMediaHttpUploader().setDirectUploadEnabled(true);
        return create.execute();
    }

    File createWithContent(File meta, Path file) throws IOException {
        return createWithContent(meta, new FileContent("application/octet-stream", file.toFile()));
    }

    File updateWithContent(String id, File meta, byte[] content, String type) throws IOException {
        Drive.Files.Update update = drive.files().update(id, meta, new ByteArrayContent(type, content))
                .setSupportsAllDrives(settings.supportsAllDrives()).setFields(FIELDS);
        update.getMediaHttpUploader().setDirectUploadEnabled(true);
        return update.execute();
    }

    /** New content for an existing file in one multipart request: same id, a new head revision. */
    File updateWithContent(String id, File meta, Path file) throws IOException {
        Drive.Files.Update update = drive.files().update(id, meta, new FileContent("application/octet-stream", file.toFile()))
                .setSupportsAllDrives(settings.supportsAllDrives()).setFields(FIELDS);
        update.getMediaHttpUploader().setDirectUploadEnabled(true);
        return update.execute();
    }

    /**
     * {@code files.copy}: a new file with the source's content, made on Drive; {@code meta} names it,
     * its folder and its id (from {@link #generateIds}) and patches the appProperties it takes over.
     */
    File copy(String sourceId, File meta) throws IOException {
        return drive.files().copy(sourceId, meta).setSupportsAllDrives(settings.supportsAllDrives()).setFields(FIELDS).execute();
    }

    /** Removes one revision of a binary file; removing the head one makes the previous content current again. */
    void deleteRevision(String fileId, String revisionId) throws IOException {
        drive.revisions().delete(fileId, revisionId).execute();
    }

    File updateMetadata(String id, File patch) throws IOException {
        return drive.files().update(id, patch).setSupportsAllDrives(settings.supportsAllDrives()).setFields(FIELDS).execute();
    }

    void delete(String id) throws IOException {
        drive.files().delete(id).setSupportsAllDrives(settings.supportsAllDrives()).execute();
    }

    /** The content, from {@code /download/drive/v3/files/{id}?alt=media}: one plain GET, no Range (empty files break ranges). */
    InputStream media(String id) throws IOException {
        return drive.files().get(id).setSupportsAllDrives(settings.supportsAllDrives()).executeMediaAsInputStream();
    }

    void shutdown() throws IOException {
        drive.getRequestFactory().getTransport().shutdown();
    }

    /** Drive's query strings: backslash and apostrophe are escaped with a backslash. */
    static String escape(String literal) {
        return literal.replace("\\", "\\\\").replace("'", "\\'");
    }

    /** A DateTime in UTC (new DateTime(long) would carry the JVM's zone). */
    static DateTime utc(Instant instant) {
        return new DateTime(false, instant.toEpochMilli(), 0);
    }

    static boolean isFolder(File f) {
        return FOLDER.equals(f.getMimeType());
    }
}
