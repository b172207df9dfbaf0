package io.cloudsync.provider.gdrive.internal;

import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.ByteArrayContent;
import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpResponse;
import com.google.api.client.http.json.JsonHttpContent;
import com.google.api.services.drive.model.File;
import io.cloudsync.ManifestEntry;
import io.cloudsync.spi.ProviderException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drive's resumable upload protocol, driven by hand rather than by the client's MediaHttpUploader
 * so that the session URI and the confirmed offset can be saved after every chunk and picked up
 * by a later process: initiation ({@code POST …/upload/drive/v3/files?uploadType=resumable} with
 * the metadata, answered with a {@code Location}), then {@code PUT}s of {@code Content-Range:
 * bytes a-b/N} answered 308 with the {@code Range} kept, and finally 200/201 with the file. A
 * restarted upload first asks how much Drive kept ({@code Content-Range: bytes *}{@code /N}).
 * The same protocol updates an existing file in place ({@code PATCH …/upload/drive/v3/files/{id}},
 * sent as POST with {@code X-HTTP-Method-Override}), which keeps its id and adds a revision.
 */
final class ResumableUpload {

    private static final Logger LOG = LoggerFactory.getLogger(ResumableUpload.class);

    private final DriveApi api;
    private final DriveSettings settings;
    private final UploadStates states;

    /** Per path: bytes an earlier, interrupted session had stored and the last upload did not send again. */
    private final java.util.concurrent.ConcurrentMap<String, Long> resumedBytes = new java.util.concurrent.ConcurrentHashMap<>();

    ResumableUpload(DriveApi api, DriveSettings settings, UploadStates states) {
        this.api = api;
        this.settings = settings;
        this.states = states;
    }

    /**
     * Uploads (or finishes uploading) one file as a new Drive file, or as new content of an existing one.
     *
     * @param targetId the file to update in place, or {@code null} to create one from {@code metadata}
     * @param sent receives the bytes Drive has confirmed, after each chunk (and the offset a continued
     *     session starts from)
     * @return the stored file as Drive reports it
     */
    File upload(String snapshot, ManifestEntry entry, Path localFile, File metadata, String targetId,
                java.util.function.LongConsumer sent) {
        String path = entry.path();
        long size = entry.size();
        long[] reported = {0};
        java.util.function.LongConsumer confirmed = n -> {
            long b = Math.min(n, size);
            if (b > reported[0]) { // Drive's confirmed range only grows; an odd answer must not make progress go back
                reported[0] = b;
                sent.accept(b);
            }
        };
        resumedBytes.remove(path); // what a failed earlier attempt noted is no longer true
        String sessionUri = null;
        long offset = 0;
        Optional<UploadStates.State> saved = states.load(snapshot, entry, targetId);
        if (saved.isPresent()) {
            sessionUri = saved.get().sessionUri();
            Outcome status = put(sessionUri, null, 0, size, path);
            if (status.file != null) {
                states.clear(snapshot, path);
                resumedBytes.put(path, size);
                confirmed.accept(size);
                return status.file;
            }
            if (status.expired) {
                LOG.info("gdrive.upload.restart path={} reason=session_expired", path);
                states.clear(snapshot, path);
                sessionUri = null;
            } else {
                offset = status.confirmed;
                resumedBytes.put(path, offset);
                confirmed.accept(offset);
                LOG.info("gdrive.upload.resume path={} offset={} size={}", path, offset, size);
            }
        }
        if (sessionUri == null) {
            sessionUri = initiate(metadata, size, path, targetId);
            save(snapshot, entry, sessionUri, 0, targetId);
        }
        try (FileChannel channel = FileChannel.open(localFile, StandardOpenOption.READ)) {
            while (true) {
                int length = (int) Math.min(settings.chunkSize(), size - offset);
                byte[] chunk = new byte[length];
                ByteBuffer buffer = ByteBuffer.wrap(chunk);
                while (buffer.hasRemaining()) {
                    if (channel.read(buffer, offset + buffer.position()) < 0) {
                        throw new ProviderException(ProviderException.Kind.PERMANENT, "local file for '" + path
                                + "' is shorter than its manifest entry says (" + size + " bytes); it changed"
                                + " after the manifest was built, run the sync again", path, null);
                    }
                }
                Outcome outcome = put(sessionUri, chunk, offset, size, path);
                if (outcome.file != null) {
                    states.clear(snapshot, path);
                    confirmed.accept(size);
                    return outcome.file;
                }
                if (outcome.expired) {
                    states.clear(snapshot, path);
                    throw new ProviderException(ProviderException.Kind.UNAVAILABLE, "the resumable upload session for '"
                            + path + "' expired on Google Drive; the next attempt starts the upload over", path, null);
                }
                offset = outcome.confirmed;
                save(snapshot, entry, sessionUri, offset, targetId);
                confirmed.accept(offset);
                if (offset >= size) {
                    throw new ProviderException(ProviderException.Kind.PERMANENT, "Google Drive confirmed all "
                            + size + " bytes of '" + path + "' but did not finish the upload", path, null);
                }
            }
        } catch (IOException e) {
            throw new ProviderException(ProviderException.Kind.PERMANENT, "cannot read the local file for '" + path
                    + "': " + e.getMessage(), path, e);
        }
    }

    /**
     * Takes (and forgets) the bytes of {@code path} that the last upload of it found already stored.
     *
     * @return 0 when it resumed nothing
     */
    long takeResumedBytes(String path) {
        Long b = resumedBytes.remove(path);
        return b == null ? 0 : b;
    }

    private void save(String snapshot, ManifestEntry entry, String sessionUri, long offset, String targetId) {
        try {
            states.save(snapshot, entry, new UploadStates.State(sessionUri, offset, targetId));
        } catch (IOException e) {
            // the upload still works, it just cannot resume after a restart
            LOG.warn("gdrive.upload.state_not_saved path={} error={}", entry.path(), e.toString());
        }
    }

    private String initiate(File metadata, long size, String path, String targetId) {
        String url = settings.uploadEndpoint() + (targetId == null ? "" : "/" + targetId)
                + "?uploadType=resumable&fields=" + DriveApi.FIELDS
                + (settings.supportsAllDrives() ? "&supportsAllDrives=true" : "");
        try {
            HttpRequest request = api.drive().getRequestFactory().buildPostRequest(new GenericUrl(url),
                    new JsonHttpContent(api.jsonFactory(), metadata));
            if (targetId != null) {
                // files.update is a PATCH; the JDK transport cannot send one, so it goes as the Google client sends it
                request.getHeaders().set("X-HTTP-Method-Override", "PATCH");
            }
            request.getHeaders().set("X-Upload-Content-Type", "application/octet-stream");
            request.getHeaders().set("X-Upload-Content-Length", Long.toString(size));
            request.setThrowExceptionOnExecuteError(false);
            request.setFollowRedirects(false);
            HttpResponse response = request.execute();
            try {
                if (response.isSuccessStatusCode() && response.getHeaders().getLocation() != null) {
                    return response.getHeaders().getLocation();
                }
                throw failure(response, "start the upload of", path);
            } finally {
                response.disconnect();
            }
        } catch (IOException e) {
            throw DriveErrors.map(e, "start the upload of", path);
        }
    }

    /** What one PUT achieved: the finished file, the confirmed offset, or an expired session. */
    private record Outcome(File file, long confirmed, boolean expired) {
    }

    /** Sends a chunk, or (with {@code chunk == null}) asks how many bytes Drive holds. */
    private Outcome put(String sessionUri, byte[] chunk, long offset, long size, String path) {
        String range;
        if (chunk == null) {
            range = "bytes */" + size;
        } else if (chunk.length == 0) {
            range = "bytes */" + size;
        } else {
            range = "bytes " + offset + "-" + (offset + chunk.length - 1) + "/" + size;
        }
        try {
            HttpRequest request = api.drive().getRequestFactory().buildPutRequest(new GenericUrl(sessionUri),
                    new ByteArrayContent("application/octet-stream", chunk == null ? new byte[0] : chunk));
            request.getHeaders().setContentRange(range);
            request.setParser(new com.google.api.client.json.JsonObjectParser(api.jsonFactory()));
            request.setThrowExceptionOnExecuteError(false);
            request.setFollowRedirects(false);
            HttpResponse response = request.execute();
            try {
                int status = response.getStatusCode();
                if (status == 200 || status == 201) {
                    return new Outcome(response.parseAs(File.class), size, false);
                }
                if (status == 308) {
                    String kept = response.getHeaders().getRange();
                    long confirmed = 0;
                    if (kept != null && kept.startsWith("bytes=")) {
                        confirmed = Long.parseLong(kept.substring(kept.indexOf('-') + 1).trim()) + 1;
                    }
                    return new Outcome(null, confirmed, false);
                }
                if (status == 404 || status == 410) {
                    return new Outcome(null, 0, true);
                }
                throw failure(response, "upload", path);
            } finally {
                response.disconnect();
            }
        } catch (IOException e) {
            // not chained: the client's message would hold the session URI
            ProviderException mapped = DriveErrors.map(e, "upload", path);
            throw new ProviderException(mapped.kind(), mapped.getMessage(), path, mapped.retryAfter().orElse(null), null);
        }
    }

    /** An error answer as a ProviderException, without chaining anything that names the session URI. */
    private ProviderException failure(HttpResponse response, String action, String path) throws IOException {
        String reason = null;
        String message = response.getStatusMessage();
        try {
            GoogleJsonResponseException parsed = GoogleJsonResponseException.from(api.jsonFactory(), response);
            GoogleJsonError details = parsed.getDetails();
            if (details != null) {
                message = details.getMessage();
                if (details.getErrors() != null && !details.getErrors().isEmpty()) {
                    reason = details.getErrors().get(0).getReason();
                }
            }
        } catch (RuntimeException e) {
            // not JSON: keep the status line
        }
        java.time.Duration retryAfter = null;
        String header = response.getHeaders().getRetryAfter();
        if (header != null && header.trim().matches("\\d+")) {
            retryAfter = java.time.Duration.ofSeconds(Long.parseLong(header.trim()));
        }
        return DriveErrors.fromStatus(response.getStatusCode(), reason, message, retryAfter, action, path, null);
    }
}
