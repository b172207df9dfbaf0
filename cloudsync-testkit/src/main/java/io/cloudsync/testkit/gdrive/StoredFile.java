package io.cloudsync.testkit.gdrive;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A copy of one file or folder as {@link FakeDriveServer} holds it, for assertions.
 *
 * @param id the Drive id
 * @param name the name (not a path)
 * @param mimeType the MIME type; folders are {@code application/vnd.google-apps.folder}
 * @param parents the parent ids (one, or none for drive roots)
 * @param content the stored bytes (empty for folders); a copy
 * @param sha256 lower-case hex SHA-256 of the content, or {@code null} for folders
 * @param appProperties the app-private properties
 * @param createdTime when it was created
 * @param modifiedTime its modification time as set by the client or the server
 * @param trashed whether it is in the trash
 */
public record StoredFile(String id, String name, String mimeType, List<String> parents, byte[] content, String sha256,
                         Map<String, String> appProperties, Instant createdTime, Instant modifiedTime, boolean trashed) {

    /**
     * Copies the collections and the content.
     *
     * @param id see the record component
     * @param name see the record component
     * @param mimeType see the record component
     * @param parents see the record component
     * @param content see the record component
     * @param sha256 see the record component
     * @param appProperties see the record component
     * @param createdTime see the record component
     * @param modifiedTime see the record component
     * @param trashed see the record component
     */
    public StoredFile {
        parents = List.copyOf(parents);
        content = content.clone();
        appProperties = Map.copyOf(appProperties);
    }

    /**
     * Whether this is a folder.
     *
     * @return true for folders
     */
    public boolean isFolder() {
        return DriveStore.FOLDER.equals(mimeType);
    }

    /**
     * The stored bytes.
     *
     * @return a copy
     */
    @Override
    public byte[] content() {
        return content.clone();
    }

    @Override
    public String toString() {
        return "StoredFile[" + id + " '" + name + "' " + mimeType + (isFolder() ? "" : ", " + content.length + " bytes") + ']';
    }
}
